// Kernel fixes that training needs on the wasm backend (tfjs 4.22), see notes/tfjs-here.md:
// - UnsortedSegmentSum (the gradient of tf.gather, i.e. of an embedding lookup) is not registered.
// - BatchMatMul/_FusedMatMul with a transposed operand run 10-35x slower than the plain product, and
//   every backward pass uses transposes: transpose explicitly, then multiply untransposed.
// The broadcasting-matMul gradient bug is avoided in the model itself (it reshapes to 2-D).
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/** The slice of the wasm backend these kernels use (BackendWasm is not typed by its package). */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

type KernelArgs = { inputs: NamedTensorInfoMap; backend: WasmBackendLike; attrs?: NamedAttrMap };

let registered = false;

/** Registers the wasm kernel fixes (idempotent). Call after the wasm backend is initialized. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) tf.registerKernel(unsortedSegmentSumConfig);
  wrapTransposedMatMul('BatchMatMul');
  wrapTransposedMatMul('_FusedMatMul');
  registered = true;
}

/** segment sum in JS over the backend's data: out[ids[i]] += x[i]. Linear in x's size. */
function unsortedSegmentSum(args: KernelArgs): TensorInfo {
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = Number((args.attrs as { numSegments: number }).numSegments);
  const backend = args.backend;
  const idsRank = segmentIds.shape.length;
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(idsRank).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idsRank)], x.dtype);
  const values = backend.readSync(x.dataId);
  const ids = backend.readSync(segmentIds.dataId);
  // Read the heap view only after the reads above: a heap growth would detach an earlier view.
  const target = backend.typedArrayFromHeap(out);
  target.fill(0);
  for (let r = 0; r < rows; r++) {
    const id = ids[r]!;
    if (id < 0 || id >= numSegments) continue; // tf semantics: out-of-range ids are dropped
    const src = r * inner;
    const dst = id * inner;
    for (let j = 0; j < inner; j++) target[dst + j]! += values[src + j]!;
  }
  return out;
}

const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};

/** Swaps the last two axes with the backend's own Transpose kernel. */
function transposeLast2(x: TensorInfo, backend: WasmBackendLike): TensorInfo {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error("wasm kernel 'Transpose' not registered");
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose.kernelFunc({ inputs: { x }, backend: backend as never, attrs: { perm } }) as TensorInfo;
}

function wrapTransposedMatMul(kernelName: 'BatchMatMul' | '_FusedMatMul'): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) return;
  const kernelFunc = (args: KernelArgs): TensorInfo | TensorInfo[] => {
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args as never);
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const temps: TensorInfo[] = [];
    const a2 = attrs.transposeA ? transposeLast2(a, args.backend) : a;
    if (a2 !== a) temps.push(a2);
    const b2 = attrs.transposeB ? transposeLast2(b, args.backend) : b;
    if (b2 !== b) temps.push(b2);
    try {
      return original.kernelFunc({
        ...args,
        inputs: { ...args.inputs, a: a2, b: b2 },
        attrs: { ...attrs, transposeA: false, transposeB: false },
      } as never);
    } finally {
      for (const t of temps) args.backend.disposeData(t.dataId);
    }
  };
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as KernelFunc });
}
