// Where finesweep's Python helper (python/finesweep.py, `import finesweep`) lies in this install: the
// package's python/ folder, put first on PYTHONPATH of every command trial.
import { fileURLToPath } from 'node:url';

// From src/trainers/command/ (the tests run the sources) or dist/src/trainers/command/ (the package).
const up = import.meta.url.endsWith('.ts') ? '../../../python/' : '../../../../python/';

export const PYTHON_HELPER_DIR = fileURLToPath(new URL(up, import.meta.url)).replace(/\/$/, '');
