// Regenerates the spec reference in docs/spec.md from schema/sweep.schema.json (run: npm run docs:spec).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSpecReference, withSpecReference } from '../src/spec/reference.js';

// Compiled to dist/scripts/, so the repository root is two levels up.
const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = JSON.parse(readFileSync(`${root}schema/sweep.schema.json`, 'utf8')) as Record<string, unknown>;
const page = `${root}docs/spec.md`;
writeFileSync(page, withSpecReference(readFileSync(page, 'utf8'), renderSpecReference(schema)));
process.stdout.write('updated the spec reference in docs/spec.md\n');
