// The synthetic 'noop' trainer (see synthetic.ts), a module of its own so that a sweep can name it by URL.
import { syntheticTrainer } from './synthetic.js';

export default syntheticTrainer('noop');
