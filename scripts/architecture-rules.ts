// The layering rules of .dependency-cruiser.cjs as a Markdown table, for docs/architecture.md: the
// page states exactly what the architecture test checks (regenerate: npm run docs:architecture).
import { createRequire } from 'node:module';

export const RULES_START = '<!-- layering-rules:start -->';
export const RULES_END = '<!-- layering-rules:end -->';

interface PathMatch {
  path?: string;
  pathNot?: string;
  circular?: boolean;
  viaOnly?: { dependencyTypesNot?: string[] };
}

interface Rule {
  name: string;
  comment?: string;
  from: PathMatch;
  to: PathMatch;
}

/** The forbidden rules of a dependency-cruiser configuration file. */
export function loadRules(configFile: string): Rule[] {
  const config = createRequire(import.meta.url)(configFile) as { forbidden?: Rule[] };
  return config.forbidden ?? [];
}

/** A regular expression as table-safe inline code (a `|` would end the cell). */
const code = (re: string): string => `\`${re.replace(/\|/g, '\\|')}\``;

function paths(m: PathMatch): string {
  const what = m.path !== undefined ? code(m.path) : 'any module';
  return m.pathNot !== undefined ? `${what} except ${code(m.pathNot)}` : what;
}

function target(m: PathMatch): string {
  if (!m.circular) return paths(m);
  const via = m.viaOnly?.dependencyTypesNot?.length ? ` (not counting ${m.viaOnly.dependencyTypesNot.join(', ')} imports)` : '';
  return m.path !== undefined ? `${paths(m)} in a cycle${via}` : `anything in a cycle${via}`;
}

/** The folders of src/ that no rule names in its `from` (only the rules for every module apply). */
export function unruledFolders(rules: readonly Rule[], folders: readonly string[]): string[] {
  const own = rules.filter((r) => r.from.path !== undefined && r.from.path !== '^src/').map((r) => new RegExp(r.from.path!));
  return folders.filter((f) => !own.some((re) => re.test(`src/${f}/index.ts`)));
}

/** The Markdown between docs/architecture.md's markers (markers excluded); `folders`: the folders of src/. */
export function renderRules(rules: readonly Rule[], folders: readonly string[]): string {
  const unruled = unruledFolders(rules, folders);
  return [
    '<!-- Generated from .dependency-cruiser.cjs by `npm run docs:architecture`; edit the rules, not this table. -->',
    '',
    '| rule | a module matching | may not import | why |',
    '|---|---|---|---|',
    ...rules.map((r) => `| \`${r.name}\` | ${paths(r.from)} | ${target(r.to)} | ${(r.comment ?? '').replace(/\|/g, '\\|')} |`),
    '',
    unruled.length
      ? `Folders of \`src/\` no rule names as the importing side (only the rules for every module apply to them): ${unruled.map((f) => `\`${f}/\``).join(', ')}.`
      : 'Every folder of `src/` is named by a rule as the importing side.',
    '',
  ].join('\n');
}

/** A page with its rules section replaced by `table`. */
export function withRules(page: string, table: string): string {
  const start = page.indexOf(RULES_START);
  const end = page.indexOf(RULES_END);
  if (start < 0 || end < start) throw new Error(`the page lacks the markers ${RULES_START} ... ${RULES_END}`);
  return `${page.slice(0, start + RULES_START.length)}\n${table}${page.slice(end)}`;
}
