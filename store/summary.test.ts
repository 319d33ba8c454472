import { describe, expect, it } from 'vitest';
import { summarySchema } from '../report/model.js';
import { buildSummary, type StatusSeverityCount, score } from './summary.js';

const g = (
  status: StatusSeverityCount['status'],
  severity: StatusSeverityCount['severity'],
  count: number,
) => ({
  status,
  severity,
  count,
});

describe('score', () => {
  it('is 100 when nothing carries weight', () => {
    expect(score([])).toBe(100);
    expect(score([g('FAIL', 'info', 50), g('ERROR', 'info', 3)])).toBe(100);
  });

  it('weighs PASS and WAIVED for, FAIL and ERROR against, by severity', () => {
    // for: 5 + 3 = 8; against: 10 + 1 = 11
    expect(
      score([g('PASS', 'high', 1), g('WAIVED', 'medium', 1), g('FAIL', 'critical', 1), g('ERROR', 'low', 1)]),
    ).toBe(42.1);
    expect(score([g('PASS', 'critical', 3), g('FAIL', 'critical', 1)])).toBe(75);
    expect(score([g('ERROR', 'high', 2)])).toBe(0);
  });

  it('never rounds a run with a weighted failure up to 100', () => {
    expect(score([g('PASS', 'critical', 100_000), g('FAIL', 'low', 1)])).toBe(99.9);
  });
});

describe('buildSummary', () => {
  it('counts FAIL only by severity, lists every severity, and validates', () => {
    const s = buildSummary(
      [g('PASS', 'high', 4), g('FAIL', 'high', 2), g('FAIL', 'low', 1), g('ERROR', 'medium', 5)],
      {
        accountRegions: 8,
        covered: 6,
      },
    );
    expect(s.byStatus).toEqual({ PASS: 4, FAIL: 3, WAIVED: 0, ERROR: 5 });
    expect(s.bySeverity).toEqual({ critical: 0, high: 2, medium: 0, low: 1, info: 0 });
    expect(s.coverage).toEqual({ accountRegions: 8, covered: 6, ratio: 0.75 });
    expect(summarySchema.parse(s)).toEqual(s);
  });

  it('reports no coverage, not full coverage, when no account-region was audited', () => {
    expect(buildSummary([], { accountRegions: 0, covered: 0 }).coverage.ratio).toBe(0);
  });
});
