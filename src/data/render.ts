// The dataset check's report as text (terminal), Markdown or JSON.
import { int } from './finding.js';
import type { DataCheckReport, Finding } from './types.js';

export const DATA_FORMATS = ['table', 'json', 'md'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

function side(name: string, s: DataCheckReport['train'], split: boolean): string {
  return `${name} ${s.file}${split && name === 'validation' ? ' (held out)' : ''}: ${int(s.count)} examples${s.tokens !== undefined ? `, ${int(s.tokens)} tokens` : ''}`;
}

function totals(r: DataCheckReport): string {
  const { error, warning, note } = r.counts;
  const n = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  return `${n(error, 'error')}, ${n(warning, 'warning')}, ${n(note, 'note')} (${r.seconds.toFixed(1)} s)`;
}

function header(r: DataCheckReport): string[] {
  const context = r.contextLength ? `, context ${r.contextLength} tokens` : ', no tokenizer (length checks skipped)';
  return [`data check (${r.task}${context})`, `  ${side('train', r.train, false)}`, `  ${side('validation', r.validation, r.train.file === r.validation.file)}`];
}

const LABEL = { error: 'ERROR', warning: 'warning', note: 'note' } as const;
const COLOUR = { error: '\u001b[31m', warning: '\u001b[33m', note: '\u001b[2m' } as const;

/** A split's places all name one file: the table shows their lines alone (the header names it). */
function places(r: DataCheckReport, f: Finding): string {
  const list = f.examples.join(', ');
  const shown = r.train.file === r.validation.file ? `line ${list.split(`${r.train.file}:`).join('')}` : list;
  return `${shown}${f.count > f.examples.length ? ', …' : ''}`;
}

export function renderDataTable(r: DataCheckReport, opts: { color?: boolean } = {}): string {
  const lines = header(r);
  if (r.findings.length === 0) lines.push('no findings');
  for (const f of r.findings) {
    const label = LABEL[f.severity].padEnd(8);
    lines.push(`${opts.color ? `${COLOUR[f.severity]}${label}\u001b[0m` : label}${f.message} [${f.code}]`);
    if (f.examples.length > 0) lines.push(`        at ${places(r, f)}`);
    lines.push(`        → ${f.advice}`);
  }
  lines.push(totals(r));
  return `${lines.join('\n')}\n`;
}

function mdCell(s: string): string {
  return s.replace(/[\\|*_`<>[\]]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

export function renderDataMarkdown(r: DataCheckReport): string {
  const [title, ...sides] = header(r);
  const lines = [`## ${mdCell(title)}`, '', ...sides.map((s) => `- ${mdCell(s.trim())}`), ''];
  if (r.findings.length === 0) lines.push('No findings.');
  else {
    lines.push('| severity | finding | count | what | where | advice |', '| --- | --- | ---: | --- | --- | --- |');
    const row = (f: Finding): string =>
      `| ${f.severity} | ${f.code} | ${f.count} | ${mdCell(f.message)} | ${mdCell(f.examples.join(', '))} | ${mdCell(f.advice)} |`;
    lines.push(...r.findings.map(row));
  }
  lines.push('', totals(r));
  return `${lines.join('\n')}\n`;
}

export function renderDataJson(r: DataCheckReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export function renderData(r: DataCheckReport, format: DataFormat, opts: { color?: boolean } = {}): string {
  if (format === 'json') return renderDataJson(r);
  if (format === 'md') return renderDataMarkdown(r);
  return renderDataTable(r, opts);
}
