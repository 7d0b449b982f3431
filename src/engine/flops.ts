// The achieved matMul throughput of the active backend, the yardstick for training efficiency.
import * as tf from '@tensorflow/tfjs';

/** GFLOP/s of a square float32 matMul of the given size on the active backend (median of 5). */
export function measureMatMulFlops(size = 512, transposeA = false, transposeB = false): number {
  const a = tf.randomNormal([size, size], 0, 1, 'float32', 1);
  const b = tf.randomNormal([size, size], 0, 1, 'float32', 2);
  try {
    run(a, b, transposeA, transposeB); // warm-up
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      run(a, b, transposeA, transposeB);
      times.push((performance.now() - start) / 1000);
    }
    times.sort((x, y) => x - y);
    return (2 * size ** 3) / times[2]! / 1e9;
  } finally {
    a.dispose();
    b.dispose();
  }
}

function run(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): void {
  // Not inside tf.tidy with a returned array: tidy would walk every element looking for tensors.
  const product = tf.matMul(a, b, transposeA, transposeB);
  product.dataSync();
  product.dispose();
}
