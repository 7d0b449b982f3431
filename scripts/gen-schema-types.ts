// Regenerates src/spec/schema.generated.ts from schema/sweep.schema.json (run: npm run gen:schema).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemaModule, SCHEMA_FILE, SCHEMA_MODULE_FILE } from '../src/spec/schema-module.js';

// Compiled to dist/scripts/, so the repository root is two levels up.
const root = fileURLToPath(new URL('../../', import.meta.url));
const text = renderSchemaModule(readFileSync(root + SCHEMA_FILE, 'utf8'));
writeFileSync(root + SCHEMA_MODULE_FILE, text);
process.stdout.write(`wrote ${SCHEMA_MODULE_FILE}\n`);
