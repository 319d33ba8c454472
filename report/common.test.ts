import { describe, expect, it } from 'vitest';
import { coverageMatrix, failuresByCheck, REGION_COVERAGE_CHECK, worstAccounts } from './common.js';
import type { Report, ReportFinding } from './model.js';
import { SCORE_WEIGHTS } from './model.js';
import { buildReport, fixtureAccountId } from './testing/fixture.js';

function stateOf(report: Report, accountId: string, region: string): string | undefined {
  const m = coverageMatrix(report);
  const j = m.regions.indexOf(region);
  for (const g of m.groups) for (const r of g.rows) if (r.account.accountId === accountId) return r.states[j];
  return undefined;
}

describe('coverageMatrix', () => {
  const report = buildReport({ accounts: 10, regions: 3 });
  const [r0, , r2] = report.scope.regions as [string, string, string];

  it('has one state per account and region in scope, accounts grouped by sorted OU path', () => {
    const m = coverageMatrix(report);
    expect(m.regions).toEqual(report.scope.regions);
    const rows = m.groups.flatMap((g) => g.rows);
    expect(rows.map((r) => r.account.accountId).sort()).toEqual(
      report.accounts.map((a) => a.accountId).sort(),
    );
    for (const r of rows) expect(r.states).toHaveLength(3);
    const ous = m.groups.map((g) => g.ouPath);
    expect(ous).toEqual([...ous].sort());
    for (const g of m.groups) for (const r of g.rows) expect(r.account.ouPath).toBe(g.ouPath);
  });

  it('maps account status, region status and the region_coverage verdict to states', () => {
    expect(stateOf(report, fixtureAccountId(3), r0)).toBe('not-assessed');
    expect(stateOf(report, fixtureAccountId(7), r0)).toBe('excluded');
    expect(stateOf(report, fixtureAccountId(5), r2)).toBe('disabled');
    expect(stateOf(report, fixtureAccountId(6), r2)).toBe('error');
    expect(stateOf(report, fixtureAccountId(8), r0)).toBe('waived');
    const verdict = (id: string, region: string) =>
      report.findings.find(
        (f) => f.checkId === REGION_COVERAGE_CHECK && f.accountId === id && f.region === region,
      )?.status;
    expect(verdict(fixtureAccountId(1), r0)).toBe('FAIL');
    expect(stateOf(report, fixtureAccountId(1), r0)).toBe('not-covered');
    expect(verdict(fixtureAccountId(0), r0)).toBe('PASS');
    expect(stateOf(report, fixtureAccountId(0), r0)).toBe('covered');
  });

  it('shows an audited region without a coverage verdict as unknown, and a region_coverage ERROR as error', () => {
    const r = buildReport({ accounts: 3, regions: 2 });
    const [a, b] = r.scope.regions as [string, string];
    const id = fixtureAccountId(0);
    r.findings = r.findings.filter(
      (f) => !(f.checkId === REGION_COVERAGE_CHECK && f.accountId === id && f.region === a),
    );
    const other = r.findings.find(
      (f) => f.checkId === REGION_COVERAGE_CHECK && f.accountId === id && f.region === b,
    )!;
    other.status = 'ERROR';
    expect(stateOf(r, id, a)).toBe('unknown');
    expect(stateOf(r, id, b)).toBe('error');
  });

  it('lets the worst verdict win when an account-region has several', () => {
    const r = buildReport({ accounts: 1, regions: 1 });
    const region = r.scope.regions[0]!;
    const pass = r.findings.find((f) => f.checkId === REGION_COVERAGE_CHECK)!;
    expect(pass.status).toBe('PASS');
    r.findings.push({ ...pass, status: 'FAIL' });
    expect(stateOf(r, fixtureAccountId(0), region)).toBe('not-covered');
  });
});

describe('worstAccounts', () => {
  it('ranks accounts by FAIL findings weighted by severity', () => {
    const report = buildReport({ accounts: 30, regions: 3 });
    const weight = new Map<string, number>();
    for (const f of report.findings) {
      if (f.status === 'FAIL' && f.accountId)
        weight.set(f.accountId, (weight.get(f.accountId) ?? 0) + SCORE_WEIGHTS[f.severity]);
    }
    const top = worstAccounts(report, 5);
    expect(top).toHaveLength(5);
    const best = Math.max(...weight.values());
    expect(top[0]!.weighted).toBe(best);
    for (const t of top) expect(t.weighted).toBe(weight.get(t.accountId));
    for (let i = 1; i < top.length; i++)
      expect(top[i - 1]!.weighted).toBeGreaterThanOrEqual(top[i]!.weighted);
    const fifth = top[4]!.weighted;
    expect([...weight.values()].filter((w) => w > fifth).length).toBeLessThan(5);
  });
});

describe('failuresByCheck', () => {
  it('groups every FAIL by check, most severe first', () => {
    const report = buildReport({ accounts: 12, regions: 2 });
    const groups = failuresByCheck(report);
    const fails = report.findings.filter((f: ReportFinding) => f.status === 'FAIL');
    expect(groups.reduce((n, g) => n + g.findings.length, 0)).toBe(fails.length);
    for (const g of groups) {
      expect(g.findings.every((f) => f.checkId === g.checkId && f.status === 'FAIL')).toBe(true);
    }
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = groups.map((g) => order.indexOf(g.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });
});
