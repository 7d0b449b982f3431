// The dashboard's two static assets, served from memory (never from a path a client names): the
// stylesheet and the page script. The script follows the journal through server-sent events and
// swaps in the live regions' fresh HTML, which the server rendered and escaped; it never builds
// markup from data itself.

export const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; background: #f8fafc; }
header { display: flex; justify-content: space-between; align-items: center; padding: 10px 32px; background: #0f172a; color: #e2e8f0; }
header a { color: #e2e8f0; text-decoration: none; font-weight: 600; }
header .sep { color: #64748b; margin: 0 4px; }
.live { font-size: 12px; padding: 2px 10px; border-radius: 999px; background: #334155; }
.live.on { background: #166534; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-word; }
h2 { font-size: 16px; margin: 28px 0 12px; }
h3 { font-size: 14px; margin: 12px 0 8px; }
a { color: #1d4ed8; }
.sub { color: #6b7280; margin: 0 0 16px; }
.card { background: white; border: 1px solid #e5e7eb; border-radius: 10px; padding: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.alert { background: #fef2f2; border: 1px solid #fecaca; color: #991b1b; border-radius: 10px; padding: 12px 16px; margin: 12px 0; font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid #f1f5f9; white-space: nowrap; text-align: left; }
th { font-size: 12px; color: #6b7280; font-weight: 600; border-bottom: 1px solid #e5e7eb; }
td.r, th.r { text-align: right; }
.cell { display: inline-block; max-width: 16em; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
tr.best td { background: #f0fdf4; }
tr.unranked td { color: #6b7280; }
.status { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #f1f5f9; }
.status.completed, .status.finished { background: #dcfce7; color: #166534; }
.status.failed, .status.diverged { background: #fee2e2; color: #991b1b; }
.status.running { background: #dbeafe; color: #1e40af; }
.flag { display: inline-block; padding: 1px 7px; margin-right: 4px; border-radius: 4px; font-size: 12px; background: #fef3c7; color: #92400e; }
.flag.diverged, .flag.leakage { background: #fee2e2; color: #991b1b; }
.flag.still_improving { background: #e0f2fe; color: #075985; }
ul.advice { margin: 12px 0 0; padding-left: 20px; color: #374151; }
.pager { margin: 8px 0; color: #374151; }
.pager a, .pager span { margin-right: 8px; }
.pager .off { color: #9ca3af; }
form#compare { margin: 0 0 8px; }
button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid #cbd5e1; background: #f8fafc; cursor: pointer; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 16px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; }
svg { max-width: 100%; height: auto; }
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
