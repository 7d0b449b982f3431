// Which stderr lines and exits of a command trial mean it ran out of memory.
import { describe, expect, it } from 'vitest';
import { isOutOfMemoryLine, killedByKernel } from '../../../src/trainers/command/out-of-memory.js';

describe('out of memory in a command trial', () => {
  it.each([
    'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 192.00 MiB. GPU 0 has a total capacity of 6.00 GiB of which 0 bytes is free.',
    'RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 5.80 GiB total capacity; 4.36 GiB already allocated)',
    'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.22 GiB.',
    'RuntimeError: CUDA error: out of memory',
    'torch.OutOfMemoryError: HIP out of memory. Tried to allocate 2.00 GiB.',
    'RuntimeError: MPS backend out of memory (MPS allocated: 17.00 GB, other allocations: 1.20 GB)',
    'RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`',
    'RuntimeError: [enforce fail at alloc_cpu.cpp:75] data. DefaultCPUAllocator: not enough memory: you tried to allocate 1073741824 bytes.',
    'tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with shape[8,4096,4096]',
    'jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 8589934592 bytes.',
    'MemoryError',
  ])('%s', (line) => {
    expect(isOutOfMemoryLine(line)).toBe(true);
  });

  it('does not take other errors or words for it', () => {
    for (const line of ['RuntimeError: CUDA error: device-side assert triggered', 'ValueError: batch_size must be positive', 'epoch 1: memory use 3.2 GiB', 'Traceback (most recent call last):']) {
      expect(isOutOfMemoryLine(line)).toBe(false);
    }
  });

  it('a SIGKILL (or a shell\'s exit 137) that finesweep did not send is the OOM killer; its own is not', () => {
    expect(killedByKernel({ code: null, signal: 'SIGKILL' }, false)).toBe(true);
    expect(killedByKernel({ code: 137, signal: null }, false)).toBe(true);
    expect(killedByKernel({ code: null, signal: 'SIGKILL' }, true)).toBe(false);
    expect(killedByKernel({ code: 1, signal: null }, false)).toBe(false);
    expect(killedByKernel({ code: null, signal: 'SIGTERM' }, false)).toBe(false);
  });
});
