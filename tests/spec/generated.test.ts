// The generated artefacts (the typed schema literal, the spec reference in docs/spec.md) must match the
// schema file; each test says which command regenerates them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSpecReference, REFERENCE_END, REFERENCE_START } from '../../src/spec/reference.js';
import { renderSchemaModule, SCHEMA_FILE, SCHEMA_MODULE_FILE } from '../../src/spec/schema-module.js';
import { sweepSchema } from '../../src/spec/schema.generated.js';

const schemaText = readFileSync(SCHEMA_FILE, 'utf8');

describe('artefacts generated from schema/sweep.schema.json', () => {
  it('src/spec/schema.generated.ts matches the schema (else run `npm run gen:schema`)', () => {
    expect(readFileSync(SCHEMA_MODULE_FILE, 'utf8')).toBe(renderSchemaModule(schemaText));
    expect(sweepSchema).toEqual(JSON.parse(schemaText));
  });

  it("docs/spec.md's spec reference matches the schema's descriptions (else run `npm run docs:spec`)", () => {
    const page = readFileSync('docs/spec.md', 'utf8');
    const start = page.indexOf(REFERENCE_START);
    const end = page.indexOf(REFERENCE_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const section = page.slice(start + REFERENCE_START.length + 1, end);
    expect(section).toBe(renderSpecReference(JSON.parse(schemaText) as Record<string, unknown>));
  });

  it('the spec reference documents every field of the schema', () => {
    const reference = renderSpecReference(JSON.parse(schemaText) as Record<string, unknown>);
    for (const field of ['`task.data.split`', '`strategy.n_startup_trials`', '`resources.gpus`', '`distribution`', '`q`']) {
      expect(reference).toContain(field);
    }
  });
});
