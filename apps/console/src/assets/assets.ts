/** The console's style sheet: served by the platform itself, no font or file from elsewhere. */
export const CONSOLE_CSS = `
:root { --ink: #1d1d1f; --muted: #4a4a4f; --line: #c9ccd3; --accent: #1f5fa8; --bad: #a3261b; --good: #1e6b3a; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 8px 24px; display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; }
header .brand { margin: 0; font-weight: 700; } header .brand a { color: var(--ink); text-decoration: none; }
header nav ul { list-style: none; display: flex; gap: 16px; margin: 0; padding: 0; }
header nav a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--ink); border-bottom: 2px solid var(--accent); }
header .lang { margin: 0 0 0 auto; } header .who { display: flex; gap: 12px; align-items: center; }
header .who form { margin: 0; }
main { padding: 16px 24px 48px; max-width: 1400px; }
h1 { font-size: 22px; margin: 8px 0 16px; } h2 { font-size: 18px; margin: 28px 0 8px; }
form.query { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; background: #fff; border: 1px solid var(--line); padding: 12px; }
form.query label, form.sign-in label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
input, select, button { font: inherit; padding: 4px 6px; border: 1px solid #767680; border-radius: 3px; background: #fff; color: var(--ink); }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
form.sign-in { display: flex; flex-direction: column; gap: 8px; max-width: 420px; background: #fff; padding: 16px; border: 1px solid var(--line); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin: 16px 0; }
.card { background: #fff; border: 1px solid var(--line); padding: 10px 12px; }
.card .name { color: var(--muted); font-size: 13px; margin: 0; } .card .number { font-size: 20px; font-weight: 700; margin: 4px 0 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 12px; }
figure.chart { margin: 0; background: #fff; border: 1px solid var(--line); padding: 8px; }
figure.chart figcaption { font-weight: 700; font-size: 14px; }
figure.chart svg { max-width: 100%; height: auto; }
.table { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; background: #fff; min-width: 50%; }
caption { text-align: left; font-weight: 700; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; white-space: nowrap; }
th { background: #eef0f4; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; background: #f2f4f7; }
.exports { font-size: 13px; margin: 4px 0; }
.error { color: var(--bad); background: #fff; border-left: 4px solid var(--bad); padding: 8px 12px; }
.ok { color: var(--good); } .bad { color: var(--bad); font-weight: 700; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 13px; }
.badge.suspended { background: #fbe3e0; color: var(--bad); } .badge.running { background: #e1f1e6; color: var(--good); }
.signatures { display: flex; flex-wrap: wrap; gap: 24px; margin: 16px 0; }
.signature .blank { display: inline-block; min-width: 140px; border-bottom: 1px solid var(--ink); }
progress { width: 320px; height: 16px; }
.note { color: var(--muted); font-size: 13px; }
@media print {
  header, form.query, .exports, .no-print, .skip { display: none !important; }
  body { background: #fff; font-size: 11pt; } main { padding: 0; } table { min-width: 100%; }
}
body.printable header, body.printable form.query, body.printable .exports { display: none; }
`;

/**
 * The console's only script, for what a page cannot do without one: follow a batch's progress
 * while it is decided, and stream a file from the browser to the platform (the File is the body of
 * a PUT, read from disk as it is sent). Everything else works without it.
 */
export const CONSOLE_JS = `
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var live = document.querySelector('[data-progress-url]');
  if (live) {
    var poll = function () {
      fetch(live.getAttribute('data-progress-url'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return;
          var bar = live.querySelector('progress');
          var decided = s.rows - s.pending;
          if (bar) { bar.max = Math.max(s.rows, 1); bar.value = decided; }
          live.querySelectorAll('[data-count]').forEach(function (el) { var v = s[el.getAttribute('data-count')]; if (v !== undefined) el.textContent = Number(v).toLocaleString('en-US'); });
          var status = live.querySelector('[data-status]');
          if (status) status.textContent = s.status + (s.complete ? ' ✓' : '');
          if (s.complete) { live.setAttribute('data-complete', 'true'); if (live.getAttribute('data-was-complete') !== 'true') window.location.reload(); }
          else setTimeout(poll, 500);
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    if (live.getAttribute('data-was-complete') !== 'true') poll();
  }
  var form = document.querySelector('form[data-upload]');
  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var file = form.querySelector('input[type=file]').files[0];
      var kind = form.querySelector('[name=kind]').value;
      var ref = form.querySelector('[name=ref]').value.trim();
      var programme = form.querySelector('[name=programme]').value.trim();
      var out = form.querySelector('[data-upload-status]');
      if (!file || !ref) return;
      var jsonl = /\\.(jsonl|ndjson)$/i.test(file.name);
      var url = form.getAttribute('data-upload') + '/' + encodeURIComponent(kind) + '/' + encodeURIComponent(ref) + '/upload' +
        '?format=' + (jsonl ? 'jsonl' : 'csv') + (kind === 'loans' ? '&programme=' + encodeURIComponent(programme) : '');
      out.textContent = form.getAttribute('data-uploading');
      fetch(url, { method: 'PUT', body: file, credentials: 'same-origin',
        headers: { 'content-type': jsonl ? 'application/x-ndjson' : 'text/csv', 'x-csrf-token': form.getAttribute('data-csrf') } })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (a) {
          if (a.ok) window.location.href = '/console/batches/' + encodeURIComponent(kind) + '/' + encodeURIComponent(ref);
          else out.textContent = (a.body && a.body.code ? a.body.code + ': ' : '') + (a.body && a.body.message ? a.body.message : 'refused');
        })
        .catch(function (e) { out.textContent = String(e); });
    });
  }
});
`;
