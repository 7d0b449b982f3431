// Whether a command trial ran out of memory: its stderr shows an allocator's out-of-memory error
// (PyTorch's CUDA/HIP/MPS/CPU allocators, cuBLAS, TensorFlow/JAX, Python's MemoryError), or it was
// killed by SIGKILL that finesweep did not send (the kernel's OOM killer; a shell reports that as
// exit 137). Such a failure is retried smaller (sweep/oom.ts).
import type { ProgramExit } from './program.js';

const OOM_LINES: readonly RegExp[] = [
  // torch: "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate ...", older
  // "RuntimeError: CUDA out of memory. ...", torch >= 2.5 "torch.OutOfMemoryError: ...".
  /\bCUDA out of memory\b/i,
  /\bOutOfMemoryError\b/,
  // The CUDA runtime's own code, as PyTorch raises it: "RuntimeError: CUDA error: out of memory".
  /\bCUDA error: out of memory\b/i,
  /\b(?:HIP|MPS backend|XPU) out of memory\b/i,
  /\bCUBLAS_STATUS_ALLOC_FAILED\b/,
  /\bDefaultCPUAllocator: (?:can't allocate memory|not enough memory)/,
  // TensorFlow's ResourceExhaustedError ("OOM when allocating tensor") and XLA/JAX's RESOURCE_EXHAUSTED.
  /\bOOM when allocating\b|\bRESOURCE_EXHAUSTED: Out of memory\b/i,
  /^(?:\w+\.)*MemoryError\b/,
];

/** Whether one line of a program's stderr is an out-of-memory error. */
export function isOutOfMemoryLine(line: string): boolean {
  return OOM_LINES.some((re) => re.test(line));
}

/**
 * Whether the program was ended by a SIGKILL finesweep did not send (`ourKill`: a stop that came
 * to SIGKILL, or a hard stop): on Linux that is, almost always, the kernel's OOM killer.
 */
export function killedByKernel(exit: ProgramExit, ourKill: boolean): boolean {
  return !ourKill && (exit.signal === 'SIGKILL' || exit.code === 137);
}
