// Whether there is enough data for a sweep to mean anything.
import { finding, int } from '../finding.js';
import type { Prepared } from '../prepare.js';
import type { Finding } from '../types.js';

/** Fewer training examples than this: a warning (scores vary more between seeds than between trials). */
export const SMALL_TRAIN = 100;
/** Fewer validation examples than this: a warning (one example moves accuracy by more than 3 %). */
export const SMALL_VALIDATION = 30;

export function sizeFindings(p: Prepared): Finding[] {
  const out: Finding[] = [];
  if (p.validation.length === 0) {
    out.push(finding('no_validation', 'error', 0, 'validation: no examples', [], 'give --validation FILE or a --split that leaves at least one example per class'));
  } else if (p.validation.length < SMALL_VALIDATION) {
    out.push(finding('small_validation', 'warning', p.validation.length, `validation: only ${int(p.validation.length)} examples`, [],
      'hold out more (a larger --split or validation file): differences between trials will be noise'));
  }
  if (p.train.length < SMALL_TRAIN) {
    out.push(finding('small_train', 'warning', p.train.length, `train: only ${int(p.train.length)} examples`, [],
      'collect more data before tuning hyperparameters; a sweep on this little mostly ranks noise'));
  }
  return out;
}
