import type { AccountReport, Report, ReportFinding } from './model.js';
import { SCORE_WEIGHTS } from './model.js';

type Status = ReportFinding['status'];
type Severity = ReportFinding['severity'];

/** The check whose verdict decides whether an account-region is covered (spec/checks.md). */
export const REGION_COVERAGE_CHECK = 'cloudtrail.region_coverage';

/** Most severe first. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
/** What needs attention first: failures, then what could not be verified, then waivers, then passes. */
export const STATUS_ORDER: readonly Status[] = ['FAIL', 'ERROR', 'WAIVED', 'PASS'];

const severityRank = new Map(SEVERITY_ORDER.map((s, i) => [s, i]));
const statusRank = new Map(STATUS_ORDER.map((s, i) => [s, i]));

function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Display order for findings: status, severity, check, account, region, resource. */
export function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return (
    (statusRank.get(a.status) ?? 9) - (statusRank.get(b.status) ?? 9) ||
    (severityRank.get(a.severity) ?? 9) - (severityRank.get(b.severity) ?? 9) ||
    cmp(a.checkId, b.checkId) ||
    cmp(a.accountId, b.accountId) ||
    cmp(a.region, b.region) ||
    cmp(a.resourceArn, b.resourceArn)
  );
}

/** Severity rank (0 = critical) for sorting. */
export function severityIndex(s: Severity): number {
  return severityRank.get(s) ?? SEVERITY_ORDER.length;
}

/**
 * State of one account-region in the coverage matrix. `waived` is not covered: a waiver accepts the gap, it
 * does not close it. `unknown` means an audited region without a coverage verdict, which must not look
 * covered either.
 */
export type CoverageState =
  | 'covered'
  | 'not-covered'
  | 'waived'
  | 'error'
  | 'disabled'
  | 'not-assessed'
  | 'excluded'
  | 'unknown';

/** Legend order, with a label and a one-character symbol for text formats. */
export const COVERAGE_STATES: readonly { state: CoverageState; label: string; symbol: string }[] = [
  { state: 'covered', label: 'Covered', symbol: '✅' },
  { state: 'not-covered', label: 'Not covered', symbol: '❌' },
  { state: 'waived', label: 'Not covered (waived)', symbol: '🟡' },
  { state: 'error', label: 'Error (could not be read)', symbol: '⚠️' },
  { state: 'not-assessed', label: 'Account not assessed', symbol: '⛔' },
  { state: 'unknown', label: 'No coverage verdict', symbol: '❔' },
  { state: 'disabled', label: 'Region disabled', symbol: '➖' },
  { state: 'excluded', label: 'Account excluded', symbol: '⚪' },
];

// When one account-region somehow has several coverage verdicts, the worst one decides.
const coverageVerdictRank: Record<Status, number> = { FAIL: 0, ERROR: 1, WAIVED: 2, PASS: 3 };
const stateByVerdict: Record<Status, CoverageState> = {
  PASS: 'covered',
  FAIL: 'not-covered',
  WAIVED: 'waived',
  ERROR: 'error',
};

export interface MatrixRow {
  account: AccountReport;
  /** One state per entry of `CoverageMatrix.regions`. */
  states: CoverageState[];
}

export interface CoverageMatrix {
  regions: string[];
  /** Accounts grouped by OU path (sorted), each group sorted by account name then id. */
  groups: { ouPath: string; rows: MatrixRow[] }[];
}

/** Matrix columns: the scope's regions, then any region an account reports outside it. */
export function matrixRegions(report: Report): string[] {
  const regions = [...report.scope.regions];
  const seen = new Set(regions);
  const extra = new Set<string>();
  for (const a of report.accounts) for (const r of a.regions) if (!seen.has(r.region)) extra.add(r.region);
  return [...regions, ...[...extra].sort()];
}

/** One state per account × region, from account status, region status and the region_coverage verdict. */
export function coverageMatrix(report: Report): CoverageMatrix {
  const regions = matrixRegions(report);
  const verdicts = new Map<string, Status>();
  for (const f of report.findings) {
    if (f.checkId !== REGION_COVERAGE_CHECK || f.accountId === null || f.region === null) continue;
    const key = `${f.accountId}|${f.region}`;
    const prev = verdicts.get(key);
    if (prev === undefined || coverageVerdictRank[f.status] < coverageVerdictRank[prev])
      verdicts.set(key, f.status);
  }
  const byOu = new Map<string, MatrixRow[]>();
  for (const account of report.accounts) {
    const regionStatus = new Map(account.regions.map((r) => [r.region, r.status]));
    const states = regions.map((region): CoverageState => {
      if (account.status === 'EXCLUDED') return 'excluded';
      if (account.status === 'NOT_ASSESSED') return 'not-assessed';
      const rs = regionStatus.get(region);
      if (rs === 'DISABLED') return 'disabled';
      if (rs === 'ERROR') return 'error';
      const verdict = verdicts.get(`${account.accountId}|${region}`);
      return verdict === undefined ? 'unknown' : stateByVerdict[verdict];
    });
    const rows = byOu.get(account.ouPath) ?? [];
    rows.push({ account, states });
    byOu.set(account.ouPath, rows);
  }
  const groups = [...byOu.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([ouPath, rows]) => ({
      ouPath,
      rows: rows.sort(
        (x, y) => cmp(x.account.name, y.account.name) || cmp(x.account.accountId, y.account.accountId),
      ),
    }));
  return { regions, groups };
}

export interface AccountFailures {
  account: AccountReport | undefined;
  accountId: string;
  fails: number;
  /** FAIL findings weighted by SCORE_WEIGHTS. */
  weighted: number;
}

/** Accounts with the most FAIL findings weighted by severity, worst first. */
export function worstAccounts(report: Report, limit: number): AccountFailures[] {
  const byAccount = new Map<string, AccountFailures>();
  const accounts = accountsById(report);
  for (const f of report.findings) {
    if (f.status !== 'FAIL' || f.accountId === null) continue;
    let entry = byAccount.get(f.accountId);
    if (!entry) {
      entry = { account: accounts.get(f.accountId), accountId: f.accountId, fails: 0, weighted: 0 };
      byAccount.set(f.accountId, entry);
    }
    entry.fails += 1;
    entry.weighted += SCORE_WEIGHTS[f.severity];
  }
  return [...byAccount.values()]
    .sort((a, b) => b.weighted - a.weighted || b.fails - a.fails || cmp(a.accountId, b.accountId))
    .slice(0, limit);
}

export interface CheckFailures {
  checkId: string;
  title: string;
  severity: Severity;
  findings: ReportFinding[];
}

/** FAIL findings grouped by check, most severe then most frequent first; findings in display order. */
export function failuresByCheck(report: Report): CheckFailures[] {
  const byCheck = new Map<string, CheckFailures>();
  for (const f of report.findings) {
    if (f.status !== 'FAIL') continue;
    let entry = byCheck.get(f.checkId);
    if (!entry) {
      entry = { checkId: f.checkId, title: f.title, severity: f.severity, findings: [] };
      byCheck.set(f.checkId, entry);
    }
    // A check's findings share its severity unless configuration overrides it; show the worst.
    if (severityIndex(f.severity) < severityIndex(entry.severity)) entry.severity = f.severity;
    entry.findings.push(f);
  }
  const groups = [...byCheck.values()];
  for (const g of groups) g.findings.sort(compareFindings);
  return groups.sort(
    (a, b) =>
      severityIndex(a.severity) - severityIndex(b.severity) ||
      b.findings.length - a.findings.length ||
      cmp(a.checkId, b.checkId),
  );
}

/** Accounts keyed by id. */
export function accountsById(report: Report): Map<string, AccountReport> {
  return new Map(report.accounts.map((a) => [a.accountId, a]));
}

/** Accounts that could not be read; every one of them is always shown. */
export function notAssessedAccounts(report: Report): AccountReport[] {
  return report.accounts
    .filter((a) => a.status === 'NOT_ASSESSED')
    .sort((a, b) => cmp(a.ouPath, b.ouPath) || cmp(a.name, b.name) || cmp(a.accountId, b.accountId));
}

/** "12.3%" with one decimal, rounded down so anything short of full coverage never reads 100%. */
export function percent(ratio: number): string {
  return `${(Math.floor(ratio * 1000) / 10).toFixed(1)}%`;
}

/** A FindingKey as one readable line: check, account, region and resource where present. */
export function keyLabel(k: {
  checkId: string;
  accountId: string | null;
  region: string | null;
  resourceArn: string | null;
}): string {
  return [k.checkId, k.accountId ?? 'org', k.region, k.resourceArn].filter((p) => p !== null).join(' ');
}
