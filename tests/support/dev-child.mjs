// Tests only: the pool's child-process entry when it runs from TypeScript sources (see dev-loader.mjs).
import { register } from 'node:module';

register('./dev-loader.mjs', import.meta.url);
await import('../../src/pool/child.ts');
