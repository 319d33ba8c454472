import type { ErrorFact } from '../checks/facts.js';
import type { Status } from '../checks/types.js';
import type { TrailwardenConfig } from '../config/schema.js';

/**
 * What a workflow run is told to audit: the validated configuration minus everything that belongs to
 * the worker (store URL, Temporal connection, alert destinations and their secrets). Plain JSON, safe
 * to keep in workflow history.
 */
export interface AuditSettings {
  organization: TrailwardenConfig['organization'];
  scope: TrailwardenConfig['scope'];
  audit: TrailwardenConfig['audit'];
  checks: TrailwardenConfig['checks'];
  waivers: TrailwardenConfig['waivers'];
  alerts: { minSeverity: TrailwardenConfig['alerts']['minSeverity'] };
}

/** The audit settings of a validated configuration file. */
export function auditSettingsOf(cfg: TrailwardenConfig): AuditSettings {
  return {
    organization: cfg.organization,
    scope: cfg.scope,
    audit: cfg.audit,
    checks: cfg.checks,
    waivers: cfg.waivers,
    alerts: { minSeverity: cfg.alerts.minSeverity },
  };
}

/** What discovery found, as the workflow needs it: counts and ids, never the account list itself. */
export interface RunStart {
  organizationId: string;
  managementAccountId: string;
  scopeKey: string;
  /** Accounts to audit; they are read back from the store by their position (0 … n-1). */
  accountsInScope: number;
  accountsExcluded: number;
  /** The run's nominal regions (configured list, or those enabled in the discovery account). */
  regions: string[];
}

/** Attempts of the account activity; the last one reports what it could not read instead of retrying. */
export const ACCOUNT_MAX_ATTEMPTS = 5;

export type FindingCounts = Record<Status, number>;

/** The outcome of one account activity: a summary only (findings are in the store). */
export interface AccountOutcome {
  accountId: string;
  status: 'ASSESSED' | 'NOT_ASSESSED';
  error?: ErrorFact;
  regions: { assessed: number; disabled: number; error: number };
  findings: FindingCounts;
}

export interface OrgOutcome {
  orgTrails: number;
  orgTrailsSource: string;
  findings: FindingCounts;
}

export function emptyCounts(): FindingCounts {
  return { PASS: 0, FAIL: 0, WAIVED: 0, ERROR: 0 };
}
