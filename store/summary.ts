import { SEVERITIES, type Severity, STATUSES, type Status } from '../checks/types.js';
import { SCORE_WEIGHTS, type Summary } from '../report/model.js';

/** How many findings of a run have one (status, severity) pair: what the store aggregates in SQL. */
export interface StatusSeverityCount {
  status: Status;
  severity: Severity;
  count: number;
}

/**
 * Score per SCORE_WEIGHTS: 100 × weighted (PASS + WAIVED) ÷ weighted (PASS + WAIVED + FAIL + ERROR); 100 when
 * nothing carries weight. Rounded down to one decimal so a run with any weighted failure never shows 100.
 */
export function score(groups: readonly StatusSeverityCount[]): number {
  let good = 0;
  let bad = 0;
  for (const g of groups) {
    const w = SCORE_WEIGHTS[g.severity] * g.count;
    if (g.status === 'PASS' || g.status === 'WAIVED') good += w;
    else bad += w;
  }
  if (good + bad === 0) return 100;
  return Math.floor((1000 * good) / (good + bad)) / 10;
}

/**
 * The report summary from the per-(status, severity) counts and the coverage tally. Coverage ratio is
 * covered ÷ audited account-regions, and 0 when nothing was audited: no evidence is not full coverage.
 */
export function buildSummary(
  groups: readonly StatusSeverityCount[],
  coverage: { accountRegions: number; covered: number },
): Summary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const g of groups) {
    byStatus[g.status] += g.count;
    if (g.status === 'FAIL') bySeverity[g.severity] += g.count;
  }
  const ratio = coverage.accountRegions === 0 ? 0 : coverage.covered / coverage.accountRegions;
  return {
    byStatus,
    bySeverity,
    coverage: { accountRegions: coverage.accountRegions, covered: coverage.covered, ratio },
    score: score(groups),
  };
}
