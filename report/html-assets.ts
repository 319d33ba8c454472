/**
 * The HTML report's inline stylesheet and script. They are plain strings (not functions serialised at run
 * time) so that what ships is exactly what is reviewed here, whatever the TypeScript or test transforms do.
 * The script reads the data block and builds every data-bearing node with textContent / Text nodes: no
 * innerHTML, no eval, no network.
 */

export const HTML_CSS = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#fff; --soft:#f6f8fa;
  --covered:#1a7f37; --not-covered:#cf222e; --waived:#bf8700; --error:#8250df; --not-assessed:#24292f;
  --disabled:#d1d9e0; --excluded:#fff; --unknown:#fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main > section { padding: 16px 24px; }
header { border-bottom: 1px solid var(--line); background: var(--soft); }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 12px; } h3 { font-size: 14px; margin: 12px 0 6px; }
.meta { color: var(--muted); margin: 0; }
.mono, code, td.res, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--bg); }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 600; }
.card .sub { color: var(--muted); font-size: 12px; }
.kv { display: flex; flex-wrap: wrap; gap: 4px 12px; margin-top: 4px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
.s-FAIL { background: #ffebe9; color: #a40e26; border-color: #ffcecb; } .s-PASS { background: #dafbe1; color: #116329; border-color: #aceebb; }
.s-WAIVED { background: #fff8c5; color: #7d4e00; border-color: #eed888; } .s-ERROR { background: #fbefff; color: #6639ba; border-color: #e5d4ff; }
.v-critical { background: #82071e; color: #fff; } .v-high { background: #cf222e; color: #fff; } .v-medium { background: #bf8700; color: #fff; }
.v-low { background: #0969da; color: #fff; } .v-info { background: #eaeef2; color: #424a53; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 0 0 8px; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.cell, .swatch { width: 22px; height: 20px; border: 1px solid rgba(31,35,40,.15); text-align: center; font-size: 11px; line-height: 18px; color: #fff; padding: 0; }
.swatch { display: inline-block; }
.cell { cursor: pointer; }
[data-state="covered"] { background: var(--covered); } [data-state="covered"]::after { content: "✓"; }
[data-state="not-covered"] { background: var(--not-covered); } [data-state="not-covered"]::after { content: "✗"; }
[data-state="waived"] { background: repeating-linear-gradient(135deg, var(--not-covered) 0 4px, var(--waived) 4px 8px); } [data-state="waived"]::after { content: "W"; }
[data-state="error"] { background: var(--error); } [data-state="error"]::after { content: "!"; }
[data-state="not-assessed"] { background: var(--not-assessed); } [data-state="not-assessed"]::after { content: "?"; }
[data-state="disabled"] { background: var(--disabled); color: #59636e; } [data-state="disabled"]::after { content: "–"; }
[data-state="excluded"] { background: var(--excluded); color: #8c959f; border-style: dotted; } [data-state="excluded"]::after { content: "·"; }
[data-state="unknown"] { background: var(--unknown); color: var(--not-covered); border: 1px dashed var(--not-covered); } [data-state="unknown"]::after { content: "?"; }
.matrix-wrap { overflow: auto; max-height: 75vh; border: 1px solid var(--line); border-radius: 8px; display: inline-block; max-width: 100%; }
table.matrix { border-collapse: separate; border-spacing: 2px; }
table.matrix th { font-weight: 500; font-size: 12px; color: var(--fg); white-space: nowrap; background: var(--bg); }
table.matrix thead th { position: sticky; top: 0; z-index: 2; vertical-align: bottom; }
table.matrix thead th.region { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; padding: 4px 0; }
table.matrix thead th.corner { left: 0; z-index: 3; text-align: left; }
table.matrix tr.ou-head th { text-align: left; font-size: 12px; font-weight: 600; color: var(--fg); padding: 8px 0 2px; }
table.matrix th.acct { position: sticky; left: 0; z-index: 1; text-align: left; padding-right: 8px; max-width: 320px; overflow: hidden; text-overflow: ellipsis; }
table.matrix tbody th .id { color: var(--muted); margin-left: 6px; font-size: 11px; }
table.matrix thead th.region { color: var(--muted); font-size: 11px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; margin-bottom: 10px; }
.controls label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
.controls select, .controls input { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; max-width: 260px; }
button { font: inherit; padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); cursor: pointer; }
table.data { border-collapse: collapse; width: 100%; table-layout: fixed; }
col.c-status, col.c-sev { width: 84px; } col.c-check { width: 240px; } col.c-account { width: 170px; }
col.c-region { width: 130px; } col.c-res { width: 22%; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; overflow: hidden; text-overflow: ellipsis; }
table.data th { background: var(--soft); position: sticky; top: 0; font-size: 12px; }
table.data td { white-space: nowrap; }
table.data td.msg { white-space: normal; overflow-wrap: anywhere; }
tr.finding { cursor: pointer; } tr.finding:hover, tr.finding[aria-expanded="true"] { background: #f0f6ff; }
tr.finding:focus { outline: 2px solid #0969da; outline-offset: -2px; }
tr.detail > td { background: var(--soft); white-space: normal; }
tr.detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 4px 0; }
tr.detail dt { color: var(--muted); } tr.detail dd { margin: 0; overflow-wrap: anywhere; }
pre.evidence { margin: 0; padding: 8px; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; max-height: 420px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.count { color: var(--muted); margin: 8px 0; }
.note { color: var(--muted); }
.alert { border-left: 4px solid var(--not-covered); padding-left: 12px; }
.small { font-size: 12px; }
`;

export const HTML_JS = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('tw-data').textContent);
  var STATUS = ['FAIL', 'ERROR', 'WAIVED', 'PASS'];
  var SEVERITY = ['critical', 'high', 'medium', 'low', 'info'];
  var STATES = data.states;
  var PAGE = data.pageSize;
  var A = data.accounts, K = data.kinds, F = data.findings, R = data.regions, RES = data.resources;
  var MR = R.slice(0, data.matrixColumns);
  var accountIndex = new Map();
  A.forEach(function (a, i) { accountIndex.set(a[0], i); });

  function $(id) { return document.getElementById(id); }
  // Every data-bearing node is built here: strings become Text nodes, never markup.
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function fmt(n) { return Number(n).toLocaleString('en-US'); }
  function accountLabel(i) { return i < 0 ? 'organization' : A[i][1] + ' (' + A[i][0] + ')'; }

  // Accounts that could not be read: always listed, in full.
  (function notAssessed() {
    var box = $('not-assessed');
    var list = [];
    for (var i = 0; i < A.length; i++) if (A[i][3] === 'NOT_ASSESSED') list.push(i);
    $('not-assessed-count').textContent = fmt(list.length);
    if (list.length === 0) { box.appendChild(el('p', 'note', 'Every in-scope account was assessed.')); return; }
    box.appendChild(el('p', 'note', 'Nothing in these accounts was checked.'));
    var t = el('table', 'data'), head = el('tr');
    ['Account', 'Name', 'OU', 'Error'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    t.appendChild(el('thead')).appendChild(head);
    var body = t.appendChild(el('tbody'));
    list.forEach(function (i) {
      var tr = el('tr');
      tr.setAttribute('data-account', A[i][0]);
      tr.appendChild(el('td', 'mono', A[i][0]));
      tr.appendChild(el('td', null, A[i][1]));
      tr.appendChild(el('td', null, A[i][2]));
      tr.appendChild(el('td', 'msg', A[i][4] || 'no error recorded'));
      body.appendChild(tr);
    });
    box.appendChild(t);
  })();

  // Coverage matrix: one cell per account-region; one table so columns line up, one tbody per OU.
  (function matrix() {
    var box = $('matrix');
    var t = el('table', 'matrix');
    var hr = el('tr');
    var corner = el('th', 'corner', 'Account');
    corner.scope = 'col';
    hr.appendChild(corner);
    MR.forEach(function (r) { var th = el('th', 'region', r); th.scope = 'col'; hr.appendChild(th); });
    t.appendChild(el('thead')).appendChild(hr);
    var frag = document.createDocumentFragment();
    data.matrix.forEach(function (group) {
      var body = el('tbody');
      body.setAttribute('data-ou', group.ou);
      var oh = el('tr', 'ou-head'), oth = el('th', null, group.ou + ' · ' + fmt(group.rows.length) + (group.rows.length === 1 ? ' account' : ' accounts'));
      oth.colSpan = MR.length + 1;
      oth.scope = 'rowgroup';
      oh.appendChild(oth);
      body.appendChild(oh);
      group.rows.forEach(function (row) {
        var a = A[row[0]], states = row[1];
        var tr = el('tr');
        var th = el('th', 'acct', a[1]);
        th.scope = 'row';
        th.title = a[1] + ' (' + a[0] + ') ' + a[2];
        th.appendChild(el('span', 'id mono', a[0]));
        tr.appendChild(th);
        for (var j = 0; j < MR.length; j++) {
          var st = STATES[states.charCodeAt(j) - 97];
          var td = document.createElement('td');
          td.className = 'cell';
          td.setAttribute('data-state', st.state);
          td.setAttribute('data-account', a[0]);
          td.setAttribute('data-region', MR[j]);
          td.title = a[1] + ' (' + a[0] + ') · ' + MR[j] + ': ' + st.label;
          tr.appendChild(td);
        }
        body.appendChild(tr);
      });
      frag.appendChild(body);
    });
    t.appendChild(frag);
    var wrap = el('div', 'matrix-wrap');
    wrap.appendChild(t);
    box.appendChild(wrap);
    box.addEventListener('click', function (ev) {
      var td = ev.target.closest && ev.target.closest('td.cell');
      if (!td) return;
      $('f-account').value = String(accountIndex.get(td.getAttribute('data-account')));
      $('f-region').value = String(R.indexOf(td.getAttribute('data-region')));
      applyFilters();
      $('findings').scrollIntoView();
    });
  })();

  // Findings: filters, incremental rendering, evidence on demand.
  var filtered = [], shown = 0, haystack = null;
  var body = $('findings-body');

  function option(select, value, text) { select.appendChild(new Option(text, value)); }
  (function fillFilters() {
    SEVERITY.forEach(function (s, i) { option($('f-severity'), String(i), s); });
    STATUS.forEach(function (s, i) { option($('f-status'), String(i), s); });
    var checks = [];
    K.forEach(function (k) { if (checks.indexOf(k[0]) < 0) checks.push(k[0]); });
    checks.sort().forEach(function (c) { option($('f-check'), c, c); });
    A.map(function (a, i) { return i; })
      .sort(function (x, y) { return A[x][1] < A[y][1] ? -1 : A[x][1] > A[y][1] ? 1 : A[x][0] < A[y][0] ? -1 : 1; })
      .forEach(function (i) { option($('f-account'), String(i), accountLabel(i)); });
    R.forEach(function (r, i) { option($('f-region'), String(i), r); });
  })();

  function searchText(i) {
    var f = F[i], k = K[f[0]];
    return [k[0], k[1], f[2] < 0 ? '' : A[f[2]][0] + ' ' + A[f[2]][1], f[4] < 0 ? '' : RES[f[4]], f[5]].join(' ').toLowerCase();
  }

  function applyFilters() {
    var sev = $('f-severity').value, st = $('f-status').value, chk = $('f-check').value;
    var acc = $('f-account').value, reg = $('f-region').value, q = $('f-search').value.trim().toLowerCase();
    var sevN = sev === '' ? -1 : Number(sev), stN = st === '' ? -1 : Number(st);
    var accN = acc === '' ? -2 : Number(acc), regN = reg === '' ? -2 : Number(reg);
    if (q && !haystack) { haystack = new Array(F.length); for (var h = 0; h < F.length; h++) haystack[h] = searchText(h); }
    filtered = [];
    for (var i = 0; i < F.length; i++) {
      var f = F[i], k = K[f[0]];
      if (sevN >= 0 && k[2] !== sevN) continue;
      if (stN >= 0 && f[1] !== stN) continue;
      if (chk && k[0] !== chk) continue;
      if (accN > -2 && f[2] !== accN) continue;
      if (regN > -2 && f[3] !== regN) continue;
      if (q && haystack[i].indexOf(q) < 0) continue;
      filtered.push(i);
    }
    body.replaceChildren();
    shown = 0;
    showMore();
  }

  function cell(tr, cls, text, title) {
    var td = el('td', cls, text);
    if (title) td.title = title;
    tr.appendChild(td);
    return td;
  }

  // The part of an ARN after account id (e.g. trail/name): what tells rows apart in a narrow column.
  function shortResource(arn) {
    var parts = arn.split(':');
    return parts.length > 5 && parts[0] === 'arn' ? parts.slice(5).join(':') : arn;
  }

  function row(i) {
    var f = F[i], k = K[f[0]];
    var tr = el('tr', 'finding');
    tr.tabIndex = 0;
    tr.setAttribute('aria-expanded', 'false');
    tr.setAttribute('data-index', String(i));
    tr.setAttribute('data-check', k[0]);
    tr.setAttribute('data-status', STATUS[f[1]]);
    tr.setAttribute('data-severity', SEVERITY[k[2]]);
    tr.setAttribute('data-account', f[2] < 0 ? '' : A[f[2]][0]);
    tr.setAttribute('data-region', f[3] < 0 ? '' : R[f[3]]);
    var td = el('td');
    td.appendChild(el('span', 'badge s-' + STATUS[f[1]], STATUS[f[1]]));
    tr.appendChild(td);
    td = el('td');
    td.appendChild(el('span', 'badge v-' + SEVERITY[k[2]], SEVERITY[k[2]]));
    tr.appendChild(td);
    cell(tr, 'mono', k[0], k[1]);
    cell(tr, null, f[2] < 0 ? 'organization' : A[f[2]][1], f[2] < 0 ? '' : accountLabel(f[2]) + ' ' + A[f[2]][2]);
    cell(tr, 'mono', f[3] < 0 ? '' : R[f[3]]);
    tr.setAttribute('data-resource', f[4] < 0 ? '' : RES[f[4]]);
    cell(tr, 'res', f[4] < 0 ? '' : shortResource(RES[f[4]]), f[4] < 0 ? '' : RES[f[4]]);
    cell(tr, 'msg', f[5]);
    return tr;
  }

  function showMore() {
    var end = Math.min(filtered.length, shown + PAGE);
    var frag = document.createDocumentFragment();
    for (var j = shown; j < end; j++) frag.appendChild(row(filtered[j]));
    body.appendChild(frag);
    shown = end;
    $('findings-count').textContent = 'Showing ' + fmt(shown) + ' of ' + fmt(filtered.length) + ' matching findings (' + fmt(F.length) + ' in total).';
    var more = $('show-more');
    more.hidden = shown >= filtered.length;
    more.textContent = 'Show ' + fmt(Math.min(PAGE, filtered.length - shown)) + ' more';
  }

  function detail(i) {
    var f = F[i], k = K[f[0]];
    var tr = el('tr', 'detail');
    tr.setAttribute('data-detail-for', String(i));
    var td = el('td');
    td.colSpan = 7;
    var dl = el('dl');
    function item(label, value) { dl.appendChild(el('dt', null, label)); dl.appendChild(el('dd', null, value)); }
    item('Title', k[1]);
    item('Check', k[0]);
    item('Account', f[2] < 0 ? 'organization' : accountLabel(f[2]) + ' · ' + A[f[2]][2]);
    if (f[4] >= 0) item('Resource', RES[f[4]]);
    item('Message', f[5]);
    if (k[3].length) item('Compliance', k[3].join(', '));
    if (f[7]) item('Waiver', f[7][0] + ' (expires ' + f[7][1] + ')');
    td.appendChild(dl);
    td.appendChild(el('div', 'small note', 'Evidence'));
    td.appendChild(el('pre', 'evidence', JSON.stringify(data.evidence[f[6]], null, 2)));
    tr.appendChild(td);
    return tr;
  }

  function toggle(tr) {
    var next = tr.nextElementSibling;
    if (next && next.classList.contains('detail')) {
      next.remove();
      tr.setAttribute('aria-expanded', 'false');
      return;
    }
    tr.after(detail(Number(tr.getAttribute('data-index'))));
    tr.setAttribute('aria-expanded', 'true');
  }

  body.addEventListener('click', function (ev) {
    var tr = ev.target.closest && ev.target.closest('tr.finding');
    if (tr) toggle(tr);
  });
  body.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    var tr = ev.target.closest && ev.target.closest('tr.finding');
    if (!tr) return;
    ev.preventDefault();
    toggle(tr);
  });
  ['f-severity', 'f-status', 'f-check', 'f-account', 'f-region'].forEach(function (id) {
    $(id).addEventListener('change', applyFilters);
  });
  $('f-search').addEventListener('input', applyFilters);
  $('f-reset').addEventListener('click', function () {
    ['f-severity', 'f-status', 'f-check', 'f-account', 'f-region', 'f-search'].forEach(function (id) { $(id).value = ''; });
    applyFilters();
  });
  $('show-more').addEventListener('click', showMore);

  (function expiredWaivers() {
    var box = $('expired'), list = data.expiredWaivers;
    $('expired-count').textContent = fmt(list.length);
    if (!list.length) { box.appendChild(el('p', 'note', 'No waiver has expired.')); return; }
    box.appendChild(el('p', 'note', 'These no longer apply: their findings count again.'));
    var t = el('table', 'data'), head = el('tr');
    ['Check', 'Expired', 'Reason', 'Accounts', 'OUs', 'Regions'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    t.appendChild(el('thead')).appendChild(head);
    var tb = t.appendChild(el('tbody'));
    list.forEach(function (w) {
      var tr = el('tr');
      [w.check, w.expires, w.reason, (w.accounts || []).join(', '), (w.ous || []).join(', '), (w.regions || []).join(', ')]
        .forEach(function (c) { tr.appendChild(el('td', 'msg', c)); });
      tb.appendChild(tr);
    });
    box.appendChild(t);
  })();

  // Drift against the previous run.
  (function drift() {
    var box = $('drift'), d = data.drift;
    if (!d) { box.appendChild(el('p', 'note', 'No previous run of this scope to compare with.')); return; }
    box.appendChild(el('p', null, 'Since run ' + d.previousRunId + ': ' + fmt(d.newFailures.length) + ' new failures, ' +
      fmt(d.resolved.length) + ' resolved, ' + fmt(d.changed.length) + ' changed, coverage lost in ' +
      fmt(d.coverageLost.length) + ' and gained in ' + fmt(d.coverageGained.length) + ' account-regions.'));
    function list(title, kind, items, cols, cells) {
      if (!items.length) return;
      var h = el('h3', null, title + ' (' + fmt(items.length) + ')');
      box.appendChild(h);
      var t = el('table', 'data'), head = el('tr');
      cols.forEach(function (c) { head.appendChild(el('th', null, c)); });
      t.appendChild(el('thead')).appendChild(head);
      var tb = t.appendChild(el('tbody'));
      items.slice(0, data.driftLimit).forEach(function (it) {
        var tr = el('tr');
        tr.setAttribute('data-drift', kind);
        cells(it).forEach(function (c) { tr.appendChild(el('td', null, c)); });
        tb.appendChild(tr);
      });
      box.appendChild(t);
      if (items.length > data.driftLimit) box.appendChild(el('p', 'note', '… and ' + fmt(items.length - data.driftLimit) + ' more (see the JSON or CSV report).'));
    }
    function acct(id) { var i = id === null ? -1 : accountIndex.get(id); return i === undefined ? id : accountLabel(i); }
    function keyCells(k) { return [k.checkId, acct(k.accountId), k.region || '', k.resourceArn || '']; }
    var keyCols = ['Check', 'Account', 'Region', 'Resource'];
    list('New failures', 'new', d.newFailures, keyCols, keyCells);
    list('Resolved', 'resolved', d.resolved, keyCols, keyCells);
    list('Changed', 'changed', d.changed, keyCols.concat(['Was', 'Now']), function (k) {
      return keyCells(k).concat([k.from.status + ' ' + k.from.severity, k.to.status + ' ' + k.to.severity]);
    });
    var arCols = ['Account', 'Region'];
    function arCells(k) { return [acct(k.accountId), k.region]; }
    list('Coverage lost', 'lost', d.coverageLost, arCols, arCells);
    list('Coverage gained', 'gained', d.coverageGained, arCols, arCells);
  })();

  applyFilters();
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;
