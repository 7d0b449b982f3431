// Regenerates the layering rules table of docs/architecture.md from .dependency-cruiser.cjs (run:
// npm run docs:architecture).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRules, renderRules, withRules } from './architecture-rules.js';

// Compiled to dist/scripts/, so the repository root is two levels up.
const root = fileURLToPath(new URL('../../', import.meta.url));
const page = `${root}docs/architecture.md`;
const folders = readdirSync(`${root}src`, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
writeFileSync(page, withRules(readFileSync(page, 'utf8'), renderRules(loadRules(`${root}.dependency-cruiser.cjs`), folders)));
process.stdout.write('updated the layering rules in docs/architecture.md\n');
