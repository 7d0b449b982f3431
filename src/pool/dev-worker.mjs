// Development only: the piscina worker entry when running from TypeScript sources (see dev-loader.mjs).
import { register } from 'node:module';

register('./dev-loader.mjs', import.meta.url);
const worker = await import('./worker.ts');
export default worker.default;
