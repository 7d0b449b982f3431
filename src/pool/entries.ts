// Where the worker-thread and child-process entries live. piscina and fork need a JavaScript file:
// the compiled dist/src/pool/*.js beside this module; when this module is itself a TypeScript
// source (tests run from src/), small .mjs entries that register a TypeScript loader first.
import { fileURLToPath } from 'node:url';

const fromSources = import.meta.url.endsWith('.ts');

export const workerEntry = fileURLToPath(new URL(fromSources ? './dev-worker.mjs' : './worker.js', import.meta.url));
export const childEntry = fileURLToPath(new URL(fromSources ? './dev-child.mjs' : './child.js', import.meta.url));
