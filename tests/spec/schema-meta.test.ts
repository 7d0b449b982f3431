// The spec schema is compiled without re-checking it against JSON Schema's meta-schema at each start
// (src/spec/validate.ts): this is where it is checked, with the same options (ajv's default strict mode), so a
// schema edit that ajv would have refused fails here instead of compiling into a wrong validator.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SCHEMA_OPTIONS } from '../../src/spec/validate.js';
import { sweepSchema } from '../../src/spec/types.js';

describe('the spec schema', () => {
  it('is valid against the meta-schema and compiles', () => {
    const ajv = new Ajv({ ...SCHEMA_OPTIONS });
    expect(ajv.validateSchema(sweepSchema)).toBe(true);
    expect(ajv.errors ?? null).toBeNull();
    expect(() => ajv.compile(sweepSchema)).not.toThrow();
  });

  it('a schema the meta-schema refuses is caught by this check', () => {
    const ajv = new Ajv({ ...SCHEMA_OPTIONS });
    expect(ajv.validateSchema({ type: 'object', properties: { x: { type: 'no-such-type' } } })).toBe(false);
  });
});
