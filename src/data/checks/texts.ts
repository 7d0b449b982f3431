// The texts themselves: empty or whitespace-only, very short, control characters, replacement
// characters left by a wrong decoding, and texts that are mostly markup. (Invalid UTF-8 never gets
// here: the reader refuses the file with its line.)
import { finding, pct, plural, verb } from '../finding.js';
import { where, type Item, type Prepared } from '../prepare.js';
import type { Finding } from '../types.js';

/** A text of fewer words than this carries little to learn from. */
export const SHORT_WORDS = 3;
/** A text whose characters are more than this share HTML/XML tags or entities is mostly markup. */
export const MARKUP_SHARE = 0.5;

// C0 controls and DEL, except tab, newline and carriage return.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const MARKUP = /<[^<>]{0,400}>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);/gi;

function markupShare(text: string): number {
  let chars = 0;
  for (const m of text.matchAll(MARKUP)) chars += m[0].length;
  return text.length === 0 ? 0 : chars / text.length;
}

function check(items: readonly Item[], name: string): Finding[] {
  const out: Finding[] = [];
  const n = items.length;
  const empty = items.filter((i) => i.example.text === '');
  const blank = items.filter((i) => i.example.text !== '' && i.norm === '');
  if (empty.length + blank.length > 0) {
    const all = empty.length + blank.length === n;
    out.push(finding(`empty_texts_${name}`, all ? 'error' : 'warning', empty.length + blank.length,
      `${name}: ${plural(empty.length, 'empty text')} and ${plural(blank.length, 'whitespace-only text')} (${pct((empty.length + blank.length) / n)})`,
      [...empty, ...blank].sort((a, b) => a.example.line - b.example.line).map(where), all ? 'check --text-field: no example has any text' : 'drop them: they teach only the label prior'));
  }
  const short = items.filter((i) => i.norm !== '' && i.norm.split(' ').length < SHORT_WORDS);
  if (short.length > 0) {
    out.push(finding(`short_texts_${name}`, 'note', short.length, `${name}: ${plural(short.length, 'text')} of fewer than ${SHORT_WORDS} words (${pct(short.length / n)})`,
      short.map(where), 'check that they are real examples and not cut-off fields'));
  }
  const control = items.filter((i) => CONTROL.test(i.example.text));
  if (control.length > 0) {
    out.push(finding(`control_characters_${name}`, 'warning', control.length, `${name}: ${plural(control.length, 'text')} ${verb(control.length, 'contains', 'contain')} control characters (other than tab and newline)`,
      control.map(where), 'strip them when preparing the data: they are bytes of a binary or a wrong encoding, not text'));
  }
  const replaced = items.filter((i) => i.example.text.includes('\ufffd'));
  if (replaced.length > 0) {
    out.push(finding(`replacement_characters_${name}`, 'warning', replaced.length, `${name}: ${plural(replaced.length, 'text')} ${verb(replaced.length, 'contains', 'contain')} U+FFFD (text decoded with the wrong encoding before it was written)`,
      replaced.map(where), 'decode the source with its real charset (e.g. latin-1) when preparing the data'));
  }
  const markup = items.filter((i) => i.example.text.length >= 20 && markupShare(i.example.text) > MARKUP_SHARE);
  if (markup.length > 0) {
    out.push(finding(`mostly_markup_${name}`, 'warning', markup.length, `${name}: ${plural(markup.length, 'text')} ${verb(markup.length, 'is', 'are')} more than ${pct(MARKUP_SHARE)} HTML/XML tags or entities`,
      markup.map(where), 'extract the text from the markup: the context is spent on tags'));
  }
  return out;
}

export function textFindings(p: Prepared): Finding[] {
  return [...check(p.train, 'train'), ...check(p.validation, 'validation')];
}
