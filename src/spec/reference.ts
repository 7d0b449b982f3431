// Renders the spec reference of docs/spec.md from the schema's descriptions, so docs and validator agree.

type Schema = Record<string, unknown>;

export const REFERENCE_START = '<!-- spec-reference:start -->';
export const REFERENCE_END = '<!-- spec-reference:end -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(s: Schema): string {
  if (typeof s.$ref === 'string') return s.$ref.endsWith('/parameter') ? `[parameter](#a-parameter)` : `object`;
  if (Array.isArray(s.enum)) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', ');
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).map(typeOf).join(' or ');
  if (s.type === 'array') return `list of ${typeOf((s.items as Schema | undefined) ?? {})}`;
  const type = Array.isArray(s.type) ? s.type.join(' or ') : String(s.type ?? 'any');
  const bounds: string[] = [];
  if (typeof s.minimum === 'number') bounds.push(`≥ ${s.minimum}`);
  if (typeof s.exclusiveMinimum === 'number') bounds.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.maximum === 'number') bounds.push(`≤ ${s.maximum}`);
  if (typeof s.exclusiveMaximum === 'number') bounds.push(`< ${s.exclusiveMaximum}`);
  if (typeof s.minItems === 'number' && s.minItems > 0) bounds.push('non-empty');
  return bounds.length > 0 ? `${type} (${bounds.join(', ')})` : type;
}

function table(prefix: string, s: Schema): string[] {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const lines = ['| Field | Type | Default | Description |', '|---|---|---|---|'];
  for (const [name, p] of Object.entries(props)) {
    const field = `\`${prefix}${name}\`${required.has(name) ? ' (required)' : ''}`;
    const dflt = p.default !== undefined ? `\`${JSON.stringify(p.default)}\`` : '';
    lines.push(`| ${field} | ${cell(typeOf(p))} | ${cell(dflt)} | ${cell(String(p.description ?? ''))} |`);
  }
  return lines;
}

/** An object with fields of its own (possibly one that may also be written as a list), or one of several shapes (`oneOf`, e.g. the kinds of `task`). */
const hasSections = (p: Schema): boolean =>
  (p.type === 'object' || (Array.isArray(p.type) && p.type.includes('object'))) && (p.properties !== undefined || Array.isArray(p.oneOf));

function section(prefix: string, name: string, s: Schema, out: string[], title?: string): void {
  if (Array.isArray(s.oneOf)) {
    // One section per shape, each after the shape's title ("`task`: A command").
    for (const branch of s.oneOf as Schema[]) section(prefix, name, branch, out, String(branch.title ?? ''));
    return;
  }
  const heading = title !== undefined && title !== '' ? `### \`${prefix}${name}\`: ${title.toLowerCase()}` : `### \`${prefix}${name}\``;
  out.push('', heading, '', String(s.description ?? ''), '', ...table(`${prefix}${name}.`, s));
  for (const [child, p] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
    if (hasSections(p)) section(`${prefix}${name}.`, child, p, out);
  }
}

/** The Markdown between docs/spec.md's spec-reference markers (markers excluded). */
export function renderSpecReference(schema: Schema): string {
  const out: string[] = [
    '<!-- Generated from schema/sweep.schema.json by `npm run docs:spec`; edit the schema, not this section. -->',
    '',
    '## Spec reference',
    '',
    `${String(schema.description ?? '')} A spec is JSON or YAML; name the schema in \`$schema\` for completion and hover docs in an editor.`,
    'Relative paths are relative to the spec file. Defaults are filled in by the validator.',
    '',
    ...table('', schema),
  ];
  for (const [name, p] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (hasSections(p)) section('', name, p, out);
  }
  const param = ((schema.definitions ?? {}) as Record<string, Schema>).parameter ?? {};
  out.push('', '### A parameter', '', String(param.description ?? ''), '', ...table('', param), '');
  return out.join('\n');
}

/** A Markdown page (docs/spec.md) with its spec-reference section replaced by `reference`. */
export function withSpecReference(page: string, reference: string): string {
  const start = page.indexOf(REFERENCE_START);
  const end = page.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`the page lacks the markers ${REFERENCE_START} ... ${REFERENCE_END}`);
  return `${page.slice(0, start + REFERENCE_START.length)}\n${reference}${page.slice(end)}`;
}
