import { createHash } from 'node:crypto';
import {
  COVERAGE_STATES,
  compareFindings,
  coverageMatrix,
  percent,
  SEVERITY_ORDER,
  STATUS_ORDER,
} from './common.js';
import { HTML_CSS, HTML_JS } from './html-assets.js';
import type { Report } from './model.js';

export interface HtmlOptions {
  /** Findings rendered per page; "Show more" appends the next page (default 500). */
  pageSize?: number;
  /** Entries shown per drift list (default 500). */
  driftLimit?: number;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` are written as \u escapes so
 * no `</script>` or `<!--` can end or alter the block, and U+2028/2029 so the text is also valid JavaScript.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The compact, deduplicated data the page's script renders from (exported for tests). */
export function htmlData(report: Report, options: HtmlOptions = {}) {
  const matrix = coverageMatrix(report);
  const regions = [...matrix.regions];
  const regionIndex = new Map(regions.map((r, i) => [r, i]));
  for (const f of report.findings) {
    if (f.region !== null && !regionIndex.has(f.region)) {
      regionIndex.set(f.region, regions.length);
      regions.push(f.region);
    }
  }

  const accounts: [string, string, string, string, string | null][] = [];
  const accountIndex = new Map<string, number>();
  const addAccount = (id: string, name: string, ouPath: string, status: string, error: string | null) => {
    accountIndex.set(id, accounts.length);
    accounts.push([id, name, ouPath, status, error]);
  };
  for (const a of report.accounts) {
    addAccount(
      a.accountId,
      a.name,
      a.ouPath,
      a.status,
      a.error ? `${a.error.code}: ${a.error.message}` : null,
    );
  }

  // Titles, severities and compliance ids repeat for every finding of a check; ARNs repeat for every check of
  // a trail; evidence often repeats verbatim. Each is stored once and referenced by index.
  const kinds: [string, string, number, string[]][] = [];
  const kindIndex = new Map<string, number>();
  const resources: string[] = [];
  const resourceIndex = new Map<string, number>();
  const evidence: unknown[] = [];
  const evidenceIndex = new Map<string, number>();
  const intern = <T>(list: T[], index: Map<string, number>, key: string, value: T): number => {
    let i = index.get(key);
    if (i === undefined) {
      i = list.length;
      index.set(key, i);
      list.push(value);
    }
    return i;
  };

  const sorted = [...report.findings].sort(compareFindings);
  const findings = sorted.map((f) => {
    const severity = SEVERITY_ORDER.indexOf(f.severity);
    const kind = intern(kinds, kindIndex, JSON.stringify([f.checkId, f.title, severity, f.compliance]), [
      f.checkId,
      f.title,
      severity,
      f.compliance,
    ]);
    let account = -1;
    if (f.accountId !== null) {
      if (!accountIndex.has(f.accountId))
        addAccount(f.accountId, '(not in the account list)', '', 'UNKNOWN', null);
      account = accountIndex.get(f.accountId)!;
    }
    const resource =
      f.resourceArn === null ? -1 : intern(resources, resourceIndex, f.resourceArn, f.resourceArn);
    const ev = JSON.stringify(f.evidence);
    const row: (number | string | [string, string])[] = [
      kind,
      STATUS_ORDER.indexOf(f.status),
      account,
      f.region === null ? -1 : regionIndex.get(f.region)!,
      resource,
      f.message,
      intern(evidence, evidenceIndex, ev, f.evidence),
    ];
    if (f.waiver) row.push([f.waiver.reason, f.waiver.expires]);
    return row;
  });

  const stateCode = new Map(COVERAGE_STATES.map((s, i) => [s.state, String.fromCharCode(97 + i)]));
  return {
    states: COVERAGE_STATES.map(({ state, label }) => ({ state, label })),
    pageSize: options.pageSize ?? 500,
    driftLimit: options.driftLimit ?? 500,
    matrixColumns: matrix.regions.length,
    regions,
    accounts,
    // One letter per region keeps 17,000 cells to 17 bytes per account.
    matrix: matrix.groups.map((g) => ({
      ou: g.ouPath,
      rows: g.rows.map((r): [number, string] => [
        accountIndex.get(r.account.accountId)!,
        r.states.map((s) => stateCode.get(s)).join(''),
      ]),
    })),
    kinds,
    resources,
    evidence,
    findings,
    drift: report.drift,
    expiredWaivers: report.expiredWaivers ?? [],
  };
}

function card(label: string, value: string, sub: string, extra = ''): string {
  return `<div class="card"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div>${extra}</div>`;
}

/**
 * One self-contained HTML page (inline CSS and JS, no external assets, works from file://). Untrusted text
 * reaches the page only inside an escaped JSON block and is put into the DOM as text by the script; the few
 * strings the server writes itself are HTML-escaped. A CSP that allows only this page's own script and style
 * (by hash) and no network backs that up.
 */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const data = htmlData(report, options);
  const e = escapeHtml;
  const n = (x: number) => x.toLocaleString('en-US');
  const { summary } = report;
  const accountCounts = { ASSESSED: 0, NOT_ASSESSED: 0, EXCLUDED: 0 };
  for (const a of report.accounts) accountCounts[a.status] += 1;
  const stateCounts = new Map<string, number>();
  for (const g of data.matrix)
    for (const [, states] of g.rows)
      for (const c of states) stateCounts.set(c, (stateCounts.get(c) ?? 0) + 1);
  const totalFindings = STATUS_ORDER.reduce((t, s) => t + summary.byStatus[s], 0);
  const totalFail = SEVERITY_ORDER.reduce((t, s) => t + (summary.bySeverity[s] ?? 0), 0);

  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(HTML_JS)}`,
    `style-src ${cspHash(HTML_CSS)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  const cards = [
    card('Score', `${summary.score.toFixed(1)}`, 'of 100, weighted by severity'),
    card(
      'Coverage',
      percent(summary.coverage.ratio),
      `${n(summary.coverage.covered)} of ${n(summary.coverage.accountRegions)} audited account-regions covered`,
    ),
    card(
      'Accounts',
      n(report.accounts.length),
      'in scope',
      `<div class="kv"><span>${n(accountCounts.ASSESSED)} assessed</span>` +
        `<span${accountCounts.NOT_ASSESSED > 0 ? ' class="badge s-FAIL"' : ''}>${n(accountCounts.NOT_ASSESSED)} not assessed</span>` +
        `<span>${n(accountCounts.EXCLUDED)} excluded</span></div>`,
    ),
    card(
      'Findings',
      n(totalFindings),
      'by status',
      `<div class="kv">${STATUS_ORDER.map((s) => `<span class="badge s-${s}">${s} ${n(summary.byStatus[s])}</span>`).join('')}</div>`,
    ),
    card(
      'Failures',
      n(totalFail),
      'by severity',
      `<div class="kv">${SEVERITY_ORDER.map((s) => `<span class="badge v-${s}">${s} ${n(summary.bySeverity[s] ?? 0)}</span>`).join('')}</div>`,
    ),
  ].join('\n');

  const legend = COVERAGE_STATES.map(
    (s, i) =>
      `<li><span class="swatch" data-state="${s.state}"></span>${e(s.label)} (${n(stateCounts.get(String.fromCharCode(97 + i)) ?? 0)})</li>`,
  ).join('');

  const select = (id: string, label: string) =>
    `<label for="${id}">${label}<select id="${id}"><option value="">All</option></select></label>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trailwarden report · ${e(report.runId)}</title>
<style>${HTML_CSS}</style>
</head>
<body>
<header>
<h1>trailwarden audit report</h1>
<p class="meta">Run <span class="mono">${e(report.runId)}</span> · ${e(report.status)} · organization <span class="mono">${e(report.organization.id)}</span> (management <span class="mono">${e(report.organization.managementAccountId)}</span>) · ${n(report.scope.accountCount)} accounts × ${n(report.scope.regions.length)} regions · started ${e(report.startedAt)} · finished ${e(report.finishedAt ?? 'not finished')}</p>
</header>
<noscript><p class="alert">This report needs JavaScript for the coverage matrix and the findings table; the summary below is complete.</p></noscript>
<main>
<section id="summary"><h2>Summary</h2><div class="cards">
${cards}
</div></section>
<section id="not-assessed-section"><h2>Accounts not assessed (<span id="not-assessed-count">${n(accountCounts.NOT_ASSESSED)}</span>)</h2><div id="not-assessed"></div></section>
<section id="coverage"><h2>Coverage by account and region</h2>
<p class="note">A cell is covered when a logging trail records management events there (cloudtrail.region_coverage PASS). Waived gaps are still gaps. Click a cell to see its findings.</p>
<ul class="legend">${legend}</ul>
<div id="matrix"></div></section>
<section id="findings"><h2>Findings</h2>
<div class="controls">
${select('f-severity', 'Severity')}
${select('f-status', 'Status')}
${select('f-check', 'Check')}
${select('f-account', 'Account')}
${select('f-region', 'Region')}
<label for="f-search">Search<input id="f-search" type="search" placeholder="message, resource, account…" autocomplete="off"></label>
<button id="f-reset" type="button">Reset</button>
</div>
<p id="findings-count" class="count" aria-live="polite"></p>
<table class="data" id="findings-table">
<colgroup><col class="c-status"><col class="c-sev"><col class="c-check"><col class="c-account"><col class="c-region"><col class="c-res"><col></colgroup>
<thead><tr><th>Status</th><th>Severity</th><th>Check</th><th>Account</th><th>Region</th><th>Resource</th><th>Message</th></tr></thead>
<tbody id="findings-body"></tbody>
</table>
<p><button id="show-more" type="button" hidden>Show more</button></p>
</section>
<section id="expired-section"><h2>Expired waivers (<span id="expired-count">${n(data.expiredWaivers.length)}</span>)</h2><div id="expired"></div></section>
<section id="drift-section"><h2>Drift</h2><div id="drift"></div></section>
</main>
<script type="application/json" id="tw-data">${embedJson(data)}</script>
<script>${HTML_JS}</script>
</body>
</html>
`;
}
