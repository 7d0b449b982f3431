// The main job's curves as recorded (sweeps/spam-grid.json: lr × batch × epochs, val_accuracy,
// forgetting measured), as trial states for the reporter's pure parts.
import type { TrialState } from '../../src/store/state.js';
import { params, trial } from './curves.js';

/** A trial of the grid: its train loss, val loss and val accuracy at each epoch, and its forgetting. */
export function t(id: string, lr: number, batch: number, curve: Array<[number, number, number]>, ppl?: number): TrialState {
  const points = curve.map(([train, val, acc], i) => ({ epoch: i + 1, train_loss: train, val_loss: val, val_accuracy: acc, seconds: 40 }));
  return trial(id, points, { params: params(lr, batch, curve.length), ...(ppl ? { forgetting: { basePerplexity: 100, finalPerplexity: ppl } } : {}) });
}

/** The main job as it ran: lr 1e-2 best with 3 epochs (t011), one epoch too few at any rate, lr 1e-6 underfits. */
export function mainJob(): TrialState[] {
  return [
    t('t000', 1e-6, 16, [[0.657, 0.65, 0.758]], 100.03),
    t('t001', 1e-6, 16, [[0.695, 0.689, 0.588], [0.685, 0.682, 0.675], [0.68, 0.68, 0.679]], 100.1),
    t('t002', 1e-6, 32, [[0.688, 0.689, 0.667]], 100.03),
    t('t003', 1e-6, 32, [[0.69, 0.69, 0.7], [0.68, 0.679, 0.69], [0.67, 0.669, 0.69]], 100.1),
    t('t004', 1e-3, 16, [[0.472, 0.35, 0.875]], 389),
    t('t005', 1e-3, 16, [[0.45, 0.33, 0.86], [0.25, 0.24, 0.89], [0.135, 0.192, 0.908]], 624),
    t('t006', 1e-3, 32, [[0.64, 0.52, 0.754]], 290),
    t('t007', 1e-3, 32, [[0.5, 0.42, 0.804], [0.3, 0.27, 0.892], [0.19, 0.237, 0.917]], 525),
    t('t008', 1e-2, 16, [[0.542, 0.392, 0.817]], 3319),
    t('t009', 1e-2, 16, [[0.4, 0.3, 0.892], [0.18, 0.205, 0.913], [0.057, 0.163, 0.929]], 2970),
    t('t010', 1e-2, 32, [[0.639, 0.576, 0.783]], 1233),
    t('t011', 1e-2, 32, [[0.45, 0.35, 0.854], [0.19, 0.224, 0.904], [0.095, 0.19, 0.933]], 2377),
  ];
}

