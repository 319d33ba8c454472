import { describe, expect, it } from 'vitest';
import { worstAccounts } from './common.js';
import { renderTerminal } from './terminal.js';
import { buildReport, fixtureAccountId } from './testing/fixture.js';
import { displayWidth } from './text.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const ANSI = /\u001b\[[0-9;]*m/g;

function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('renderTerminal', () => {
  const report = buildReport({ accounts: 40, regions: 3 });

  it('keeps every line within the width, hostile and long names included', () => {
    const long = buildReport({ accounts: 12, regions: 17 });
    for (const a of long.accounts) a.name = `${a.name} ${'very-long-account-name-'.repeat(8)}`;
    long.accounts[3]!.error = { code: 'AccessDenied', message: 'x'.repeat(500) };
    for (const [r, width] of [
      [report, 100],
      [long, 100],
      [long, 60],
    ] as const) {
      for (const color of [false, true]) {
        const text = renderTerminal(r, { color, width });
        for (const line of text.split('\n'))
          expect(displayWidth(line.replace(ANSI, ''))).toBeLessThanOrEqual(width);
      }
    }
  });

  it('writes no escape codes without colour, and colour does not change the text', () => {
    const plain = renderTerminal(report, { color: false });
    const coloured = renderTerminal(report, { color: true });
    expect(plain).not.toContain('\u001b');
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(ANSI, '')).toBe(plain);
  });

  it('neutralises control and bidi characters from account data', () => {
    const r = buildReport({ accounts: 4, regions: 1 });
    r.accounts[3]!.name = 'evil\u001b]0;pwned\u0007\u202eeman';
    r.accounts[3]!.error = { code: 'AccessDenied', message: 'line1\nline2\u001b[2J' };
    const text = renderTerminal(r, { color: false });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting control characters are gone.
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(text).toContain('evil?]0;pwned??eman');
    expect(text).toContain('line1 line2?[2J');
  });

  it('shows counts by status and severity, coverage and score', () => {
    const text = renderTerminal(report, { color: false });
    const s = report.summary;
    expect(text).toMatch(
      new RegExp(
        `FAIL ${s.byStatus.FAIL}\\s+ERROR ${s.byStatus.ERROR}\\s+WAIVED ${s.byStatus.WAIVED}\\s+PASS ${s.byStatus.PASS}`,
      ),
    );
    expect(text).toMatch(new RegExp(`high ${s.bySeverity.high}\\s+medium ${s.bySeverity.medium}`));
    expect(text).toContain(`${s.coverage.covered} of ${s.coverage.accountRegions} audited account-regions`);
    expect(text).toContain(`${s.score.toFixed(1)} / 100`);
  });

  it('lists every not-assessed account with its error, however many there are', () => {
    const big = buildReport({ accounts: 200, regions: 1 });
    const notAssessed = big.accounts.filter((a) => a.status === 'NOT_ASSESSED');
    expect(notAssessed.length).toBe(20);
    const lines = section(
      renderTerminal(big, { color: false }),
      `NOT ASSESSED ACCOUNTS (${notAssessed.length})`,
    );
    for (const a of notAssessed) expect(lines.some((l) => l.includes(a.accountId))).toBe(true);
    expect(lines.filter((l) => l.includes('AccessDenied'))).toHaveLength(20);
  });

  it('lists the five worst accounts in order', () => {
    const lines = section(renderTerminal(report, { color: false }), 'WORST ACCOUNTS');
    const expected = worstAccounts(report, 5);
    expect(lines).toHaveLength(5);
    lines.forEach((l, i) => {
      expect(l).toContain(expected[i]!.accountId);
      expect(l).toContain(`${expected[i]!.fails} FAIL`);
    });
  });

  it('groups failures by check, top N with counts', () => {
    const all = section(renderTerminal(report, { color: false, topChecks: 100 }), 'FAILURES BY CHECK');
    const top3 = section(renderTerminal(report, { color: false, topChecks: 3 }), 'FAILURES BY CHECK');
    const count = report.findings.filter(
      (f) => f.status === 'FAIL' && f.checkId === 'cloudtrail.region_coverage',
    ).length;
    expect(all.find((l) => l.includes('cloudtrail.region_coverage'))).toMatch(
      new RegExp(`HIGH\\s+${count}\\s`),
    );
    expect(top3).toHaveLength(3);
    expect(new Set(report.findings.filter((f) => f.status === 'FAIL').map((f) => f.checkId)).size).toBe(
      all.length,
    );
  });

  it('shows expired waivers and drift', () => {
    const text = renderTerminal(report, { color: false, driftItems: 1 });
    expect(section(text, 'EXPIRED WAIVERS (1)')[0]).toContain('cloudtrail.kms_encryption');
    const drift = section(text, 'DRIFT since run-fixture-0000');
    const d = report.drift!;
    expect(drift[0]).toContain(`${d.newFailures.length} new failures`);
    expect(drift[0]).toContain(`coverage lost ${d.coverageLost.length}`);
    expect(drift.filter((l) => l.includes('+ new'))).toHaveLength(1);
    expect(drift).toContain(`  … and ${d.newFailures.length - 1} more`);
    expect(drift.some((l) => l.includes('↓ lost') && l.includes(fixtureAccountId(0)))).toBe(true);
    expect(renderTerminal(buildReport({ drift: false }), { color: false })).not.toContain('DRIFT');
  });
});
