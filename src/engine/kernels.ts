// Kernel fixes that training needs on the wasm backend (tfjs 4.22), see notes/tfjs-here.md:
// - UnsortedSegmentSum (the gradient of tf.gather, i.e. of an embedding lookup) is not registered.
// - BatchMatMul/_FusedMatMul with a transposed operand run 10-35x slower than the plain product, and
//   every backward pass uses transposes: transpose explicitly, then multiply untransposed.
// - A batched BatchMatMul (batch > 1, e.g. attention's [B·H, T, 16] × [B·H, 16, T]) runs a plain loop
//   at ~2 GFLOP/s, while a 2-D product goes to XNNPACK (15-30 GFLOP/s): multiply batch by batch as
//   2-D products over views of the operands' memory (4-5x faster at attention's shapes).
// - A 2-D product packs its right operand for XNNPACK, and the cache is keyed by tensor, so a fresh
//   large right operand (a gradient dy in dW = xᵀ·dy) costs more to pack than to multiply: where
//   that is cheaper, compute the transposed product (dyᵀ·x)ᵀ instead, whose right operand is small.
// - Identity (tf.clone, which the gradient tape runs on every tensor it saves for backprop, ~250 a
//   step) copies the data on wasm; tensors are immutable, so share it by reference count instead,
//   as the cpu backend does (the wasm backend's own Reshape shares data the same way).
// The broadcasting-matMul gradient bug is avoided in the model itself (it reshapes to 2-D).
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/** The slice of the wasm backend these kernels use (BackendWasm is not typed by its package). */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef?(dataId: object): void;
  /** Internals the batched path needs (checked at run time; absent → the backend's own kernel). */
  dataIdMap?: { get(dataId: object): { id: number; memoryOffset: number } | undefined; delete(dataId: object): boolean };
  makeOutput(shape: number[], dtype: string, memoryOffset?: number): TensorInfo;
  wasm?: { tfjs?: { disposeData?: (id: number) => void } };
}

type KernelArgs = { inputs: NamedTensorInfoMap; backend: WasmBackendLike; attrs?: NamedAttrMap };

let registered = false;

/** Registers the wasm kernel fixes (idempotent). Call after the wasm backend is initialized. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) tf.registerKernel(unsortedSegmentSumConfig);
  shareIdentity();
  wrapTransposedMatMul('BatchMatMul');
  wrapTransposedMatMul('_FusedMatMul');
  registered = true;
}

/** Identity returning the input's data with one more reference (where the backend counts them). */
function shareIdentity(): void {
  const original = tf.getKernel('Identity', 'wasm');
  if (!original) return;
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { x } = args.inputs as { x: TensorInfo };
    if (typeof args.backend.incRef !== 'function') return original.kernelFunc(args as never) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as KernelFunc });
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

/** Elements (ns-scale costs measured on wasm 4.22): a transpose ≈ 3.6 ns/element, packing a fresh
 * right operand for XNNPACK ≈ 10 ns/element. Only their ratio matters here. */
const TRANSPOSE_COST = 1;
const PACK_COST = 3;

/** true when C = op(A)·op(B) is cheaper as Cᵀ = op(B)ᵀ·op(A)ᵀ (2-D operands, M×K·K×N). */
export function cheaperTransposed(M: number, K: number, N: number, transposeA: boolean, transposeB: boolean): boolean {
  const direct = (transposeA ? M * K * TRANSPOSE_COST : 0) + (transposeB ? K * N * TRANSPOSE_COST : 0) + K * N * PACK_COST;
  const swapped = (transposeB ? 0 : K * N * TRANSPOSE_COST) + (transposeA ? 0 : M * K * TRANSPOSE_COST) + M * K * PACK_COST + M * N * TRANSPOSE_COST;
  return swapped < direct;
}

/** A tensor over x's memory from element `offset` on, with the given shape (float32: 4 bytes each). */
function view(x: TensorInfo, offset: number, shape: number[], backend: WasmBackendLike): TensorInfo {
  return backend.makeOutput(shape, x.dtype, backend.dataIdMap!.get(x.dataId)!.memoryOffset + 4 * offset);
}

/** Forgets a view without freeing its memory (it belongs to the tensor it views). */
function dropView(v: TensorInfo, backend: WasmBackendLike): void {
  backend.wasm!.tfjs!.disposeData!(backend.dataIdMap!.get(v.dataId)!.id);
  backend.dataIdMap!.delete(v.dataId);
}

function canView(backend: WasmBackendLike): boolean {
  return typeof backend.dataIdMap?.get === 'function' && typeof backend.wasm?.tfjs?.disposeData === 'function';
}

/** a [...batch, M, K] × b [...batch, K, N] (same batch dims, float32), one 2-D product per batch entry. */
function batchBy2d(a: TensorInfo, b: TensorInfo, backend: WasmBackendLike, product: KernelFunc): TensorInfo {
  const r = a.shape.length;
  const [M, K, N] = [a.shape[r - 2]!, a.shape[r - 1]!, b.shape[r - 1]!];
  const batch = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const out = backend.makeOutput([...a.shape.slice(0, -2), M, N], a.dtype);
  for (let i = 0; i < batch; i++) {
    const av = view(a, i * M * K, [M, K], backend);
    const bv = view(b, i * K * N, [K, N], backend);
    const part = product({ inputs: { a: av, b: bv }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    // Read the heap views only now: the product may have grown the heap, detaching earlier views.
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(part), i * M * N);
    backend.disposeData(part.dataId);
    dropView(av, backend);
    dropView(bv, backend);
  }
  return out;
}

function wrapTransposedMatMul(kernelName: 'BatchMatMul' | '_FusedMatMul'): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) return;
  const product = original.kernelFunc;
  const kernelFunc = (args: KernelArgs): TensorInfo | TensorInfo[] => {
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const backend = args.backend;
    const ta = !!attrs.transposeA;
    const tb = !!attrs.transposeB;
    const r = a.shape.length;
    const plain = kernelName === 'BatchMatMul' && a.dtype === 'float32' && b.dtype === 'float32' && r === b.shape.length && canView(backend);
    const batch = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const batched = plain && batch > 1 && tf.util.arraysEqual(a.shape.slice(0, -2), b.shape.slice(0, -2));
    if (!batched && !ta && !tb) return product(args as never);
    if (!batched && plain && batch === 1) {
      const M = ta ? a.shape[r - 1]! : a.shape[r - 2]!;
      const K = ta ? a.shape[r - 2]! : a.shape[r - 1]!;
      const N = tb ? b.shape[r - 2]! : b.shape[r - 1]!;
      if (cheaperTransposed(M, K, N, ta, tb)) {
        // Cᵀ = op(B)ᵀ·op(A)ᵀ: B is stored as op(B)ᵀ when transposeB, A as op(A)ᵀ when transposeA.
        const left = tb ? b : transposeLast2(b, backend);
        const right = ta ? a : transposeLast2(a, backend);
        try {
          const ct = product({ inputs: { a: left, b: right }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
          try {
            return transposeLast2({ ...ct, shape: [...a.shape.slice(0, -2), N, M] }, backend);
          } finally {
            backend.disposeData(ct.dataId);
          }
        } finally {
          if (left !== b) backend.disposeData(left.dataId);
          if (right !== a) backend.disposeData(right.dataId);
        }
      }
    }
    const temps: TensorInfo[] = [];
    const a2 = ta ? transposeLast2(a, backend) : a;
    if (a2 !== a) temps.push(a2);
    const b2 = tb ? transposeLast2(b, backend) : b;
    if (b2 !== b) temps.push(b2);
    try {
      if (batched) return batchBy2d(a2, b2, backend, product);
      return product({
        ...args,
        inputs: { ...args.inputs, a: a2, b: b2 },
        attrs: { ...attrs, transposeA: false, transposeB: false },
      } as never);
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as KernelFunc });
}
