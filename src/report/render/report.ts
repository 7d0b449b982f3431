// The reporter's entry points: build the leaderboard from the store's state and render one format.
import { join } from 'node:path';
import { atomicWrite } from '../../atomic-write.js';
import { renderCsv } from './csv.js';
import { renderJson } from './json.js';
import { buildLeaderboard, topOf, type LeaderboardInput } from '../view/leaderboard.js';
import { withNextSweep } from '../view/next-sweep.js';
import { renderMarkdown } from './markdown.js';
import { renderTable, type TableOptions } from './table.js';

export type TextFormat = 'table' | 'md' | 'csv' | 'json';
export type ReportFormat = TextFormat | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'md', 'csv', 'json', 'html'];

export interface ReportOptions {
  top?: number;
  /** ANSI colours in the table (a TTY). */
  color?: boolean;
  /** The terminal table's fit to a width, --wide, --columns and --all. */
  table?: Omit<TableOptions, 'color' | 'top'>;
}

/**
 * One report as a string. The text formats render synchronously; HTML is asynchronous: its module
 * (the charts, written as SVG directly) is loaded only when asked for.
 */
export function renderReport(input: LeaderboardInput, opts: ReportOptions & { format: TextFormat }): string;
export function renderReport(input: LeaderboardInput, opts: ReportOptions & { format: 'html' }): Promise<string>;
export function renderReport(input: LeaderboardInput, opts: ReportOptions & { format: ReportFormat }): string | Promise<string>;
export function renderReport(input: LeaderboardInput, opts: ReportOptions & { format: ReportFormat }): string | Promise<string> {
  const lb = topOf(withNextSweep(buildLeaderboard(input), input.spec), opts.top);
  switch (opts.format) {
    case 'table':
      return renderTable(lb, { ...opts.table, color: opts.color, top: opts.top });
    case 'md':
      return renderMarkdown(lb);
    case 'csv':
      return renderCsv(lb);
    case 'json':
      return renderJson(lb);
    case 'html':
      // Loaded only for HTML: a text report need not pay for the charts' modules.
      return import('./html.js').then((m) => m.renderHtml(lb));
  }
}

/** Writes `<sweep-dir>/report.html` atomically (a reader never sees half a file); returns its path. */
export async function writeHtmlReport(dir: string, input: Omit<LeaderboardInput, 'dir'>, opts: ReportOptions = {}): Promise<string> {
  const html = await renderReport({ ...input, dir }, { ...opts, format: 'html' });
  const path = join(dir, 'report.html');
  // Derived from the journal (the synced record): atomic, not fsynced.
  await atomicWrite(path, html, { durable: false });
  return path;
}
