// Child processes run the real store code as plain JavaScript: the store's sources (which need
// nothing outside node: but the domain, src/trial/) are transpiled into a temp directory once per test file, so these tests
// do not depend on a prior `npm run build` of the whole project.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const SOURCES = ['src/errors.ts', 'src/atomic-write.ts', ...['src/store', 'src/trial'].flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.ts')).map((f) => `${d}/${f}`))];

let built: string | undefined;

/** Root of the transpiled tree: import `${root}/src/store/journal.js` and friends. */
export function compiledStore(): string {
  if (built) return built;
  const root = mkdtempSync(join(tmpdir(), 'finesweep-store-js-'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  for (const file of SOURCES) {
    const out = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const target = join(root, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
  }
  built = root;
  return root;
}

/** Write a child script (ES module) next to the compiled tree; returns its path. */
export function childScript(name: string, source: string): string {
  const path = join(compiledStore(), `${name}.mjs`);
  writeFileSync(path, source);
  return path;
}
