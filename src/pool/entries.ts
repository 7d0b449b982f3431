// Where the worker-thread and child-process entries live. piscina and fork need a JavaScript file:
// the compiled dist/src/pool/*.js beside this module; when this module is itself a TypeScript
// source (only the tests run it so), the tests' small .mjs entries that register a TypeScript
// loader first (tests/support/dev-*.mjs; never part of the package).
import { fileURLToPath } from 'node:url';

const fromSources = import.meta.url.endsWith('.ts');

export const workerEntry = fileURLToPath(new URL(fromSources ? '../../tests/support/dev-worker.mjs' : './worker.js', import.meta.url));
export const childEntry = fileURLToPath(new URL(fromSources ? '../../tests/support/dev-child.mjs' : './child.js', import.meta.url));
