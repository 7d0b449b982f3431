// Development only: the child-process entry when running from TypeScript sources (see dev-loader.mjs).
import { register } from 'node:module';

register('./dev-loader.mjs', import.meta.url);
await import('./child.ts');
