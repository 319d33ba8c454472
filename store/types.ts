import type { AccountInfo, OrganizationFacts, RegionFacts } from '../checks/facts.js';
import type { Finding, FindingKey, Status } from '../checks/types.js';
import type { Drift, RegionStatus, Report, RunStatus, Summary } from '../report/model.js';

/**
 * The central findings store. Two implementations share the same SQL and migrations: PostgreSQL (`pg`)
 * for teams and PGlite as the embedded default. Every write is idempotent, keyed by run id, because
 * activities that write may be retried.
 */
export interface Store {
  /** Closes connections (PGlite: the database). */
  close(): Promise<void>;

  /** Creates the run row; a second call with the same id changes nothing. */
  createRun(run: NewRun): Promise<void>;
  /**
   * Records organization identity and org-level facts for the run (replaces on retry). Called without
   * `facts`, it updates the identity and keeps facts saved earlier.
   */
  saveOrganization(
    runId: string,
    org: { id: string; managementAccountId: string },
    facts?: OrganizationFacts,
  ): Promise<void>;
  /** Organization facts saved for the run, if any. */
  loadOrganizationFacts(runId: string): Promise<OrganizationFacts | undefined>;
  /** Sets the audited regions and in-scope account count once discovery is done. */
  setRunScope(runId: string, scope: { regions: string[]; accountCount: number }): Promise<void>;
  /** Marks the run finished; `summary` is the workflow's own tally (informational). */
  finishRun(
    runId: string,
    result: { status: Exclude<RunStatus, 'RUNNING'>; finishedAt: string; error?: string },
  ): Promise<void>;

  /** The discovered accounts, in a stable order (`seq`), in-scope and excluded. Idempotent. */
  saveInventory(runId: string, accounts: InventoryAccount[]): Promise<void>;
  /** Records an account's tags (read by its account activity, so discovery stays short). */
  setAccountTags(runId: string, accountId: string, tags: Record<string, string>): Promise<void>;
  /** A page of the in-scope inventory in `seq` order (for batching without large workflow payloads). */
  inventoryPage(runId: string, offset: number, limit: number): Promise<InventoryAccount[]>;

  /** Raw facts of one region, kept so a retried account activity resumes after the regions it read. */
  saveRegionFacts(runId: string, facts: RegionFacts): Promise<void>;
  loadRegionFacts(runId: string, accountId: string): Promise<RegionFacts[]>;

  /**
   * The outcome of one account: status, per-region statuses and every finding the account activity
   * produced. Replaces whatever an earlier attempt wrote for this (run, account).
   */
  saveAccountResult(runId: string, result: AccountResult): Promise<void>;
  /** Organization-scope findings (org trail, aggregator, trail checks of organization trails). Replaces. */
  saveOrgFindings(runId: string, findings: Finding[]): Promise<void>;

  getRun(runId: string): Promise<RunRecord | undefined>;
  /** The audit settings the run was started with (as given to createRun). */
  getRunSettings(runId: string): Promise<Record<string, unknown> | undefined>;
  /** Most recent first. */
  listRuns(filter?: {
    from?: string;
    to?: string;
    scopeKey?: string;
    status?: RunStatus;
    limit?: number;
  }): Promise<RunRecord[]>;
  latestCompletedRun(scopeKey: string): Promise<RunRecord | undefined>;
  /** The completed run of the same scope that started before this one. */
  previousCompletedRun(runId: string): Promise<RunRecord | undefined>;
  /** Status and severity of one finding key in each run that has it, most recent first. */
  findingHistory(key: FindingKey, limit?: number): Promise<FindingHistoryEntry[]>;
  /** Changes since `previousRunId`; the categories are defined precisely on SqlStore.drift. */
  drift(runId: string, previousRunId: string): Promise<Drift>;
  /** The full report object (spec/report.md), drift against the previous completed run included. */
  buildReport(runId: string): Promise<Report>;
  /** Counts only, without loading findings: for progress and the terminal summary of huge runs. */
  summary(runId: string): Promise<Summary>;

  /** Records the configured waivers that had expired when the run started (shown in the report). */
  setExpiredWaivers(runId: string, waivers: ExpiredWaiver[]): Promise<void>;
  /** Every finding of the run in key order, read in pages: for renderers that stream huge runs. */
  iterateFindings(runId: string, pageSize?: number): AsyncIterable<Finding>;
}

/** A waiver from the configuration whose expiry date has passed (the report's `expiredWaivers[]`). */
export type ExpiredWaiver = NonNullable<Report['expiredWaivers']>[number];

export interface NewRun {
  runId: string;
  /** Stable identity of "what was audited" (organization + scope filters), for drift and history. */
  scopeKey: string;
  startedAt: string;
  /** The effective audit settings, for the record (no secrets). */
  settings: Record<string, unknown>;
}

export interface RunRecord {
  runId: string;
  scopeKey: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  organizationId: string | null;
  managementAccountId: string | null;
  regions: string[];
  accountCount: number;
  error: string | null;
  /** Counts by status, when finished. */
  counts: Record<Status, number>;
}

export interface InventoryAccount extends AccountInfo {
  /** Discovery order; pages are read by it. */
  seq: number;
  inScope: boolean;
  /** Why an account is out of scope (filter, suspended). */
  excludedReason?: string;
}

export interface AccountResult {
  accountId: string;
  status: 'ASSESSED' | 'NOT_ASSESSED';
  error?: { code: string; message: string };
  regions: RegionStatus[];
  findings: Finding[];
}

export interface FindingHistoryEntry {
  runId: string;
  startedAt: string;
  status: Status;
  severity: Finding['severity'];
  message: string;
}
