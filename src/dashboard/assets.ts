// The dashboard's two static assets, served from memory (never from a path a client names): the
// stylesheet and the page script. The script follows the journal through server-sent events and
// swaps in the live regions' fresh HTML, which the server rendered and escaped; it never builds
// markup from data itself.
import { REPORT_CSS } from '../report/render/html.js';

// The report's own stylesheet, then what only the dashboard has (its header, pager, compare form,
// log tail) and where its pages differ (a wider main, tighter headings); later rules win.
export const CSS = `${REPORT_CSS}
header { display: flex; justify-content: space-between; align-items: center; padding: 10px 32px; background: #0f172a; color: #e2e8f0; }
header a { color: #e2e8f0; text-decoration: none; font-weight: 600; }
header .sep { color: #64748b; margin: 0 4px; }
.live { font-size: 12px; padding: 2px 10px; border-radius: 999px; background: #334155; }
.live.on { background: #166534; }
main { max-width: 1320px; padding: 24px 32px 48px; }
h2 { margin: 28px 0 12px; }
h3 { font-size: 14px; margin: 12px 0 8px; }
a { color: #1d4ed8; }
th, td { padding: 6px 10px; text-align: left; }
td.r, th.r { text-align: right; }
.status.finished { background: #dcfce7; color: #166534; }
.pager { margin: 8px 0; color: #374151; }
.pager a, .pager span { margin-right: 8px; }
.pager .off { color: #9ca3af; }
form#compare { margin: 0 0 8px; }
button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid #cbd5e1; background: #f8fafc; cursor: pointer; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
pre.log { white-space: pre-wrap; word-break: break-all; font: 12px/1.4 ui-monospace, monospace; max-height: 420px; overflow: auto; }
`;

export const SCRIPT = `'use strict';
(() => {
  const body = document.body;
  const badge = document.getElementById('live-status');
  const events = body.dataset.events;
  let seq = Number(body.dataset.seq || 0);
  let busy = false;
  let again = false;

  async function load(el) {
    const res = await fetch(el.dataset.src, { headers: { 'x-fragment': '1' } });
    if (!res.ok) return;
    const html = await res.text();
    const checked = new Set(Array.from(el.querySelectorAll('input[name=trials]:checked'), (i) => i.value));
    el.innerHTML = html;
    for (const i of el.querySelectorAll('input[name=trials]')) if (checked.has(i.value)) i.checked = true;
  }

  async function refresh(target) {
    if (busy) { again = true; return; }
    busy = true;
    try {
      do {
        again = false;
        const goal = seq;
        await Promise.all(Array.from(document.querySelectorAll('[data-src]'), load));
        body.dataset.renderedSeq = String(goal);
      } while (again);
    } catch (err) {
      badge.textContent = 'update failed';
    } finally {
      busy = false;
    }
  }

  for (const el of document.querySelectorAll('[data-lazy]')) load(el);
  if (!events) { badge.remove(); return; }
  const source = new EventSource(events);
  source.addEventListener('open', () => { badge.textContent = 'live'; badge.classList.add('on'); });
  source.addEventListener('error', () => { badge.textContent = 'reconnecting…'; badge.classList.remove('on'); });
  source.addEventListener('journal', (ev) => {
    const next = JSON.parse(ev.data).seq;
    if (next === seq) return;
    seq = next;
    refresh();
  });
})();
`;
