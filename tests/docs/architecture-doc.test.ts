// docs/architecture.md states what the layering check checks: its rules table is the one generated
// from .dependency-cruiser.cjs (else run `npm run docs:architecture`), and every folder of src/ has
// a row in its folder table.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules, renderRules, RULES_END, RULES_START, unruledFolders } from '../../scripts/architecture-rules.js';

const ROOT = resolve(import.meta.dirname, '../..');
const page = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const rules = loadRules(join(ROOT, '.dependency-cruiser.cjs'));
const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('docs/architecture.md', () => {
  it('lists every layering rule as .dependency-cruiser.cjs has it (else run `npm run docs:architecture`)', () => {
    const start = page.indexOf(RULES_START);
    const end = page.indexOf(RULES_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    expect(page.slice(start + RULES_START.length + 1, end)).toBe(renderRules(rules, folders));
    for (const rule of rules) expect(page).toContain(`| \`${rule.name}\` |`);
  });

  it('has a row for every folder of src/', () => {
    for (const folder of folders) expect(page, folder).toContain(`| \`${folder}/\` |`);
  });

  it('names the folders no rule applies to on their own (a folder named by no rule is found)', () => {
    expect(unruledFolders(rules, [...folders, 'newfolder'])).toContain('newfolder');
    expect(unruledFolders(rules, folders)).not.toContain('report');
  });
});
