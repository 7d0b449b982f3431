// The README and the manual in docs/ as a reader follows them: every relative link reaches a file
// of the checkout, and every #anchor a heading of the page it names (GitHub's heading ids).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGES = ['README.md', 'bench/RESULTS.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const FENCE = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;

/** The page with its fenced code blocks and inline code blanked (brackets there are not links), lines kept. */
function prose(markdown: string): string {
  return markdown.replace(FENCE, (block) => block.replace(/[^\n]/g, '')).replace(/`[^`\n]*`/g, '');
}

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to dashes; repeats get -1, -2. */
function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(FENCE, '');
  for (const m of text.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = m[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

/** Every link and image target of a page, with its line for the message. */
function links(markdown: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  prose(markdown)
    .split('\n')
    .forEach((text, i) => {
      for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1]!, line: i + 1 });
    });
  return out;
}

function broken(page: string, root = ROOT): string[] {
  const file = join(root, page);
  const problems: string[] = [];
  for (const { target } of links(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    const dest = path === '' ? file : resolve(dirname(file), decodeURI(path));
    if (!dest.startsWith(root + '/')) {
      problems.push(`${page}: ${target} leaves the checkout`);
      continue;
    }
    if (!existsSync(dest)) {
      problems.push(`${page}: ${target}: no file ${relative(root, dest)}`);
      continue;
    }
    if (anchor !== undefined) {
      if (statSync(dest).isDirectory() || !dest.endsWith('.md')) {
        problems.push(`${page}: ${target}: an anchor into something that is not a Markdown page`);
      } else if (!headingIds(readFileSync(dest, 'utf8')).has(anchor)) {
        problems.push(`${page}: ${target}: no heading #${anchor} in ${relative(root, dest)}`);
      }
    }
  }
  return problems;
}

describe('links of the README and the manual', () => {
  it('the manual is there: a page for each topic the README lists', () => {
    for (const page of ['spec', 'training', 'command-trainer', 'running', 'distributed', 'report', 'adaptive-search', 'journal-format', 'dashboard', 'optuna', 'architecture']) {
      expect(PAGES).toContain(`docs/${page}.md`);
    }
  });

  it.each(PAGES)('every relative link of %s resolves (file, and heading for an #anchor)', (page) => {
    expect(broken(page)).toEqual([]);
  });

  it.each(PAGES)('every file of the repository that %s names in code exists', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const named = [...text.matchAll(/`((?:src|tests|bench|scripts|examples|sweeps|models|schema|docs)\/[\w./-]+)`/g)].map((m) => m[1]!);
    expect(named.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('the README links every page of the manual', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = new Set(links(readme).map((l) => l.target.split('#')[0]));
    for (const page of PAGES.filter((p) => p.startsWith('docs/'))) expect(linked, page).toContain(page);
  });

  it('the check finds a missing file, a missing heading, a link out of the checkout, and skips code', () => {
    const root = mkdtempSync(join(tmpdir(), 'finesweep-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'a.md'), '# A page\n\n## Its part\n');
    writeFileSync(
      join(root, 'README.md'),
      '[ok](docs/a.md#its-part) [here](#top) [gone](docs/b.md) [no part](docs/a.md#other) [out](../x.md) [web](https://example.com)\n\n# Top\n```\n[code](nope.md)\n```\n',
    );
    expect(broken('README.md', root)).toEqual([
      'README.md: docs/b.md: no file docs/b.md',
      'README.md: docs/a.md#other: no heading #other in docs/a.md',
      'README.md: ../x.md leaves the checkout',
    ]);

    const ids = headingIds('# The sweep spec\n\n## `task.data`: files\n\n```\n# not a heading\n```\n## Spec reference\n## Spec reference\n');
    expect([...ids]).toEqual(['the-sweep-spec', 'taskdata-files', 'spec-reference', 'spec-reference-1']);
    expect(links('see [a](docs/a.md#x) and `[b](nope.md)`\n```\n[c](nope.md)\n```\n![d](docs/report.png)')).toEqual([
      { target: 'docs/a.md#x', line: 1 },
      { target: 'docs/report.png', line: 5 },
    ]);
  });
});
