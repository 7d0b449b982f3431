// Renders schema/sweep.schema.json as a TypeScript module with the schema as a literal `as const`,
// because json-schema-to-ts derives types only from a literal type, not from an imported JSON file.

export const SCHEMA_FILE = 'schema/sweep.schema.json';
export const SCHEMA_MODULE_FILE = 'src/spec/schema.generated.ts';

/** The full text of src/spec/schema.generated.ts for the given schema JSON text. */
export function renderSchemaModule(schemaJsonText: string): string {
  const schema: unknown = JSON.parse(schemaJsonText);
  return [
    `// Generated from ${SCHEMA_FILE} by scripts/gen-schema-types.ts (npm run gen:schema). Do not edit:`,
    '// edit the JSON schema and regenerate; a test fails when the two drift apart.',
    '',
    `export const sweepSchema = ${JSON.stringify(schema, null, 2)} as const;`,
    '',
  ].join('\n');
}
