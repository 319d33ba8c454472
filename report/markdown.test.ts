import { describe, expect, it } from 'vitest';
import { COVERAGE_STATES, coverageMatrix, failuresByCheck } from './common.js';
import { escapeMarkdown, renderMarkdown } from './markdown.js';
import { buildReport, HOSTILE } from './testing/fixture.js';

/** Cells of a Markdown table line, splitting on `|` that are not backslash-escaped. */
function cells(line: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      cur += c + (line[i + 1] ?? '');
      i += 1;
    } else if (c === '|') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.slice(1, -1).map((p) => p.trim());
}

/** Tables of the document: runs of lines starting with `|`, each under the closest heading. */
function tables(md: string): { heading: string; rows: string[][] }[] {
  const out: { heading: string; rows: string[][] }[] = [];
  let heading = '';
  let current: string[][] | null = null;
  for (const line of md.split('\n')) {
    if (line.startsWith('#')) heading = line;
    if (line.startsWith('|')) {
      if (!current) {
        current = [];
        out.push({ heading, rows: current });
      }
      current.push(cells(line));
    } else current = null;
  }
  return out;
}

describe('escapeMarkdown', () => {
  it('turns HTML into entities so no tag passes through', () => {
    expect(escapeMarkdown(HOSTILE.imgTrail)).toBe('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(escapeMarkdown('a & b "c"')).toBe('a &amp; b &quot;c&quot;');
  });

  it('backslash-escapes Markdown syntax and table pipes', () => {
    expect(escapeMarkdown('team|a *bold* `code` _x_ [l](u) ~s~ $m$ @org/team \\')).toBe(
      'team\\|a \\*bold\\* \\`code\\` \\_x\\_ \\[l\\]\\(u\\) \\~s\\~ \\$m\\$ \\@org/team \\\\',
    );
  });

  it('keeps text on one line', () => {
    expect(escapeMarkdown('one\ntwo\r\nthree\u2028four')).toBe('one two  three four');
  });
});

describe('renderMarkdown', () => {
  const report = buildReport({ accounts: 10, regions: 3 });
  const md = renderMarkdown(report);
  const all = tables(md);

  it('contains no raw HTML and no unescaped hostile syntax', () => {
    expect(md).not.toMatch(/<[a-zA-Z/!?]/);
    expect(md).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md).toContain('prod &lt;/script&gt;&lt;script&gt;alert\\(2\\)&lt;/script&gt;');
    expect(md).toContain('team\\|a \\*bold\\* \\`code\\`');
    expect(md).not.toContain('team|a');
    expect(md).not.toContain('`code`');
  });

  it('writes well-formed tables: every row has as many cells as the header', () => {
    expect(all.length).toBeGreaterThan(5);
    for (const t of all) {
      const width = t.rows[0]!.length;
      expect(t.rows[1]).toEqual(Array(width).fill('---'));
      for (const r of t.rows) expect(r, t.heading).toHaveLength(width);
    }
  });

  it('has a coverage table with one row per account and a symbol per state', () => {
    const t = all.find((x) => x.heading === '## Coverage')!;
    const matrix = coverageMatrix(report);
    expect(t.rows[0]).toEqual(['OU', 'Account', ...report.scope.regions]);
    const body = t.rows.slice(2);
    expect(body).toHaveLength(report.accounts.length);
    const symbol = new Map(COVERAGE_STATES.map((s) => [s.state, s.symbol]));
    const expected = matrix.groups.flatMap((g) => g.rows.map((r) => r.states.map((s) => symbol.get(s))));
    expect(body.map((r) => r.slice(2))).toEqual(expected);
    for (const s of COVERAGE_STATES) expect(md).toContain(`${s.symbol} ${escapeMarkdown(s.label)}`);
  });

  it('lists every not-assessed account', () => {
    const t = all.find((x) => x.heading.startsWith('## Accounts not assessed'))!;
    const ids = report.accounts.filter((a) => a.status === 'NOT_ASSESSED').map((a) => a.accountId);
    expect(ids.length).toBeGreaterThan(0);
    expect(t.rows.slice(2).map((r) => r[0])).toEqual(ids);
    expect(t.rows[2]![3]).toContain('AccessDenied');
  });

  it('groups failures by check with a table of exactly that check’s failures', () => {
    for (const g of failuresByCheck(report)) {
      const t = all.find((x) => x.heading.includes(`${escapeMarkdown(g.checkId)}:`))!;
      expect(t.heading).toContain(`(${g.findings.length})`);
      expect(t.rows.length - 2).toBe(g.findings.length);
    }
  });

  it('caps long sections with an explicit count when asked', () => {
    const capped = renderMarkdown(report, { maxRowsPerSection: 1 });
    const g = failuresByCheck(report).find((x) => x.findings.length > 1)!;
    expect(capped).toContain(`… and ${g.findings.length - 1} more.`);
    const notAssessed = tables(capped).find((x) => x.heading.startsWith('## Accounts not assessed'))!;
    expect(notAssessed.rows.length - 2).toBe(
      report.accounts.filter((a) => a.status === 'NOT_ASSESSED').length,
    );
  });

  it('shows drift and says so when there is none', () => {
    const d = report.drift!;
    expect(md).toContain(`${d.newFailures.length} new failures, ${d.resolved.length} resolved`);
    expect(all.find((x) => x.heading === `### New failures (${d.newFailures.length})`)!.rows).toHaveLength(
      d.newFailures.length + 2,
    );
    expect(all.find((x) => x.heading === `### Changed (${d.changed.length})`)!.rows[2]).toContain(
      'ERROR medium',
    );
    expect(renderMarkdown(buildReport({ drift: false }))).toContain(
      'No previous run of this scope to compare with.',
    );
  });
});
