// Tests only: the pool's piscina worker entry when it runs from TypeScript sources (see dev-loader.mjs).
import { register } from 'node:module';

register('./dev-loader.mjs', import.meta.url);
const worker = await import('../../src/pool/worker.ts');
export default worker.default;
