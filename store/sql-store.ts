import type { OrganizationFacts, RegionFacts } from '../checks/facts.js';
import { type Finding, type FindingKey, STATUSES, type Status } from '../checks/types.js';
import type { AccountReport, Drift, RegionStatus, Report, RunStatus, Summary } from '../report/model.js';
import type { Db, Queryable } from './db.js';
import { DuplicateFindingError, IncompleteRunError, RunNotFoundError } from './errors.js';
import { buildSummary, type StatusSeverityCount } from './summary.js';
import type {
  AccountResult,
  ExpiredWaiver,
  FindingHistoryEntry,
  InventoryAccount,
  NewRun,
  RunRecord,
  Store,
} from './types.js';

/** The check whose PASS means "a logging trail covers this account-region". */
export const REGION_COVERAGE_CHECK = 'cloudtrail.region_coverage';

/** Rows per INSERT: large enough to amortise the round trip, small enough to keep one parameter modest. */
const FINDING_BATCH = 2_000;
const INVENTORY_BATCH = 2_000;
const FINDING_PAGE = 5_000;

/** Error codes PostgreSQL (and PGlite) use for unique- and foreign-key-constraint violations. */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

type Timestamp = Date | string;

interface RunRow {
  run_id: string;
  scope_key: string;
  status: RunStatus;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  organization_id: string | null;
  management_account_id: string | null;
  regions: string[];
  account_count: number;
  error: string | null;
  counts: Partial<Record<Status, number>>;
}

interface KeyRow {
  check_id: string;
  account_id: string;
  region: string;
  resource_arn: string;
}

const RUN_COLUMNS = `r.run_id, r.scope_key, r.status, r.started_at, r.finished_at, r.organization_id,
  r.management_account_id, r.regions, r.account_count, r.error,
  COALESCE(r.counts, (${countsByStatus('r.run_id')})) AS counts`;

const FINDING_COLUMNS =
  'check_id, account_id, region, resource_arn, status, severity, title, message, evidence, compliance, waiver';

const KEY_ORDER = 'check_id, account_id, region, resource_arn';

/** A scalar subquery: {status: count} of a run's findings. */
function countsByStatus(runIdExpr: string): string {
  return `SELECT COALESCE(jsonb_object_agg(s.status, s.n), '{}'::jsonb)
    FROM (SELECT status, count(*)::int AS n FROM findings WHERE run_id = ${runIdExpr} GROUP BY status) s`;
}

function iso(t: Timestamp): string {
  return (t instanceof Date ? t : new Date(t)).toISOString();
}

function toRunRecord(r: RunRow): RunRecord {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, r.counts[s] ?? 0])) as Record<Status, number>;
  return {
    runId: r.run_id,
    scopeKey: r.scope_key,
    status: r.status,
    startedAt: iso(r.started_at),
    finishedAt: r.finished_at === null ? null : iso(r.finished_at),
    organizationId: r.organization_id,
    managementAccountId: r.management_account_id,
    regions: r.regions,
    accountCount: r.account_count,
    error: r.error,
    counts,
  };
}

function toKey(r: KeyRow): FindingKey {
  return {
    checkId: r.check_id,
    accountId: r.account_id === '' ? null : r.account_id,
    region: r.region === '' ? null : r.region,
    resourceArn: r.resource_arn === '' ? null : r.resource_arn,
  };
}

/** A date-only bound (YYYY-MM-DD) means that whole UTC day; anything else is taken as a timestamp. */
function dayBound(value: string, end: boolean): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const start = new Date(`${value}T00:00:00.000Z`);
  return end ? new Date(start.getTime() + 86_400_000).toISOString() : start.toISOString();
}

function accountOrigin(accountId: string): string {
  return `account:${accountId}`;
}

/** Inserts findings owned by `origin`, one statement per batch (the rows travel as one JSON parameter). */
async function insertFindings(q: Queryable, runId: string, origin: string, findings: readonly Finding[]) {
  for (let i = 0; i < findings.length; i += FINDING_BATCH) {
    const rows = findings.slice(i, i + FINDING_BATCH).map((f) => ({
      check_id: f.checkId,
      account_id: f.accountId ?? '',
      region: f.region ?? '',
      resource_arn: f.resourceArn ?? '',
      status: f.status,
      severity: f.severity,
      title: f.title,
      message: f.message,
      evidence: f.evidence,
      compliance: f.compliance,
      waiver: f.waiver ?? null,
    }));
    try {
      await q.query(
        `INSERT INTO findings (run_id, origin, ${FINDING_COLUMNS})
         SELECT $1::text, $2::text, ${FINDING_COLUMNS}
         FROM jsonb_to_recordset($3::text::jsonb) AS x(check_id text, account_id text, region text,
           resource_arn text, status text, severity text, title text, message text, evidence jsonb,
           compliance jsonb, waiver jsonb)`,
        [runId, origin, JSON.stringify(rows)],
      );
    } catch (err) {
      const e = err as { code?: string; detail?: string; message?: string };
      if (e.code === UNIQUE_VIOLATION) {
        throw new DuplicateFindingError(runId, origin, e.detail ?? e.message ?? '', { cause: err });
      }
      throw err;
    }
  }
}

/** Runs a write about `runId`, turning "no such run" (a foreign-key violation) into RunNotFoundError. */
async function aboutRun<T>(runId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw new RunNotFoundError(runId);
    throw err;
  }
}

/**
 * Holds the run row against deletion until the transaction ends (what a foreign key from findings would
 * do, but once per write instead of once per row), and fails with RunNotFoundError when there is none.
 */
async function lockRun(q: Queryable, runId: string): Promise<void> {
  const rows = await q.query('SELECT 1 FROM runs WHERE run_id = $1::text FOR KEY SHARE', [runId]);
  if (rows.length === 0) throw new RunNotFoundError(runId);
}

/** Findings changed: drop the cached per-status counts (cheap no-op while the run is still running). */
async function invalidateCounts(q: Queryable, runId: string): Promise<void> {
  await q.query('UPDATE runs SET counts = NULL WHERE run_id = $1::text AND counts IS NOT NULL', [runId]);
}

/** The Store over any Db: every query is plain SQL that both PostgreSQL and PGlite run. */
export class SqlStore implements Store {
  constructor(private readonly db: Db) {}

  /** Which engine is underneath ('postgres' or 'pglite'). */
  get kind(): Db['kind'] {
    return this.db.kind;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async createRun(run: NewRun): Promise<void> {
    await this.db.query(
      `INSERT INTO runs (run_id, scope_key, status, started_at, settings)
       VALUES ($1::text, $2::text, 'RUNNING', $3::timestamptz, $4::text::jsonb)
       ON CONFLICT (run_id) DO NOTHING`,
      [run.runId, run.scopeKey, run.startedAt, JSON.stringify(run.settings)],
    );
  }

  async saveOrganization(
    runId: string,
    org: { id: string; managementAccountId: string },
    facts?: OrganizationFacts,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const updated = await tx.query(
        `UPDATE runs SET organization_id = $2::text, management_account_id = $3::text
         WHERE run_id = $1::text RETURNING run_id`,
        [runId, org.id, org.managementAccountId],
      );
      if (updated.length === 0) throw new RunNotFoundError(runId);
      // Without facts (identity only), facts saved earlier are kept rather than erased.
      if (facts) {
        await tx.query(
          `INSERT INTO org_facts (run_id, facts) VALUES ($1::text, $2::text::jsonb)
           ON CONFLICT (run_id) DO UPDATE SET facts = EXCLUDED.facts`,
          [runId, JSON.stringify(facts)],
        );
      }
    });
  }

  async loadOrganizationFacts(runId: string): Promise<OrganizationFacts | undefined> {
    const rows = await this.db.query<{ facts: OrganizationFacts }>(
      'SELECT facts FROM org_facts WHERE run_id = $1::text',
      [runId],
    );
    return rows[0]?.facts;
  }

  async setRunScope(runId: string, scope: { regions: string[]; accountCount: number }): Promise<void> {
    const rows = await this.db.query(
      `UPDATE runs SET regions = $2::text::jsonb, account_count = $3::int WHERE run_id = $1::text
       RETURNING run_id`,
      [runId, JSON.stringify(scope.regions), scope.accountCount],
    );
    if (rows.length === 0) throw new RunNotFoundError(runId);
  }

  async finishRun(
    runId: string,
    result: { status: Exclude<RunStatus, 'RUNNING'>; finishedAt: string; error?: string },
  ): Promise<void> {
    const rows = await this.db.query(
      `UPDATE runs SET status = $2::text, finished_at = $3::timestamptz, error = $4::text,
         counts = (${countsByStatus('$1::text')})
       WHERE run_id = $1::text RETURNING run_id`,
      [runId, result.status, result.finishedAt, result.error ?? null],
    );
    if (rows.length === 0) throw new RunNotFoundError(runId);
    // PGlite has no autovacuum: without this its planner keeps the statistics of an empty database.
    if (this.db.kind === 'pglite') await this.db.exec('ANALYZE');
  }

  async setExpiredWaivers(runId: string, waivers: ExpiredWaiver[]): Promise<void> {
    const rows = await this.db.query(
      'UPDATE runs SET expired_waivers = $2::text::jsonb WHERE run_id = $1::text RETURNING run_id',
      [runId, JSON.stringify(waivers)],
    );
    if (rows.length === 0) throw new RunNotFoundError(runId);
  }

  async setAccountTags(runId: string, accountId: string, tags: Record<string, string>): Promise<void> {
    await this.db.query(
      'UPDATE inventory_accounts SET tags = $3::text::jsonb WHERE run_id = $1::text AND account_id = $2::text',
      [runId, accountId, JSON.stringify(tags)],
    );
  }

  async saveInventory(runId: string, accounts: InventoryAccount[]): Promise<void> {
    // One statement cannot upsert the same key twice; the last occurrence of an account wins.
    const unique = [...new Map(accounts.map((a) => [a.accountId, a])).values()];
    await aboutRun(runId, () =>
      this.db.transaction(async (tx) => {
        for (let i = 0; i < unique.length; i += INVENTORY_BATCH) {
          const rows = unique.slice(i, i + INVENTORY_BATCH).map((a) => ({
            account_id: a.accountId,
            seq: a.seq,
            name: a.name,
            email: a.email ?? null,
            ou_path: a.ouPath,
            ou_ids: a.ouIds,
            status: a.status,
            tags: a.tags,
            in_scope: a.inScope,
            excluded_reason: a.excludedReason ?? null,
          }));
          await tx.query(
            `INSERT INTO inventory_accounts (run_id, account_id, seq, name, email, ou_path, ou_ids, status, tags,
             in_scope, excluded_reason)
           SELECT $1::text, account_id, seq, name, email, ou_path, ou_ids, status, tags, in_scope, excluded_reason
           FROM jsonb_to_recordset($2::text::jsonb) AS x(account_id text, seq int, name text, email text,
             ou_path text, ou_ids jsonb, status text, tags jsonb, in_scope boolean, excluded_reason text)
           ON CONFLICT (run_id, account_id) DO UPDATE SET seq = EXCLUDED.seq, name = EXCLUDED.name,
             email = EXCLUDED.email, ou_path = EXCLUDED.ou_path, ou_ids = EXCLUDED.ou_ids,
             status = EXCLUDED.status, tags = EXCLUDED.tags, in_scope = EXCLUDED.in_scope,
             excluded_reason = EXCLUDED.excluded_reason`,
            [runId, JSON.stringify(rows)],
          );
        }
        // Positions among the in-scope accounts, dense and in seq order, so pages are index lookups.
        await tx.query(
          `UPDATE inventory_accounts i SET scope_position = CASE WHEN i.in_scope THEN r.pos END
           FROM (SELECT account_id, (row_number() OVER (ORDER BY in_scope DESC, seq, account_id) - 1)::int AS pos
                 FROM inventory_accounts WHERE run_id = $1::text) r
           WHERE i.run_id = $1::text AND i.account_id = r.account_id`,
          [runId],
        );
      }),
    );
  }

  async inventoryPage(runId: string, offset: number, limit: number): Promise<InventoryAccount[]> {
    const rows = await this.db.query<{
      account_id: string;
      seq: number;
      name: string;
      email: string | null;
      ou_path: string;
      ou_ids: string[];
      status: string;
      tags: Record<string, string>;
      in_scope: boolean;
      excluded_reason: string | null;
    }>(
      `SELECT account_id, seq, name, email, ou_path, ou_ids, status, tags, in_scope, excluded_reason
       FROM inventory_accounts WHERE run_id = $1::text AND in_scope AND scope_position >= $2::int
       ORDER BY scope_position LIMIT $3::int`,
      [runId, offset, limit],
    );
    return rows.map((r) => {
      const a: InventoryAccount = {
        accountId: r.account_id,
        seq: r.seq,
        name: r.name,
        ouPath: r.ou_path,
        ouIds: r.ou_ids,
        status: r.status,
        tags: r.tags,
        inScope: r.in_scope,
      };
      if (r.email !== null) a.email = r.email;
      if (r.excluded_reason !== null) a.excludedReason = r.excluded_reason;
      return a;
    });
  }

  async saveRegionFacts(runId: string, facts: RegionFacts): Promise<void> {
    await aboutRun(runId, () =>
      this.db.query(
        `INSERT INTO region_facts (run_id, account_id, region, collected_at, facts)
       VALUES ($1::text, $2::text, $3::text, $4::timestamptz, $5::text::jsonb)
       ON CONFLICT (run_id, account_id, region)
       DO UPDATE SET collected_at = EXCLUDED.collected_at, facts = EXCLUDED.facts`,
        [runId, facts.accountId, facts.region, facts.collectedAt, JSON.stringify(facts)],
      ),
    );
  }

  async loadRegionFacts(runId: string, accountId: string): Promise<RegionFacts[]> {
    const rows = await this.db.query<{ facts: RegionFacts }>(
      'SELECT facts FROM region_facts WHERE run_id = $1::text AND account_id = $2::text ORDER BY region',
      [runId, accountId],
    );
    return rows.map((r) => r.facts);
  }

  async saveAccountResult(runId: string, result: AccountResult): Promise<void> {
    const origin = accountOrigin(result.accountId);
    await this.db.transaction(async (tx) => {
      await lockRun(tx, runId);
      // Whatever an earlier attempt wrote for this account goes, including keys this attempt no longer
      // produces; org-origin rows are untouched even when they carry this account's id.
      await tx.query('DELETE FROM findings WHERE run_id = $1::text AND origin = $2::text', [runId, origin]);
      await insertFindings(tx, runId, origin, result.findings);
      await tx.query(
        `INSERT INTO account_results (run_id, account_id, status, error, regions)
         VALUES ($1::text, $2::text, $3::text, $4::text::jsonb, $5::text::jsonb)
         ON CONFLICT (run_id, account_id) DO UPDATE SET status = EXCLUDED.status, error = EXCLUDED.error,
           regions = EXCLUDED.regions, saved_at = now()`,
        [
          runId,
          result.accountId,
          result.status,
          result.error ? JSON.stringify(result.error) : null,
          JSON.stringify(result.regions),
        ],
      );
      await invalidateCounts(tx, runId);
    });
  }

  async saveOrgFindings(runId: string, findings: Finding[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await lockRun(tx, runId);
      await tx.query(`DELETE FROM findings WHERE run_id = $1::text AND origin = 'org'`, [runId]);
      await insertFindings(tx, runId, 'org', findings);
      await tx.query('UPDATE runs SET org_findings_at = now(), counts = NULL WHERE run_id = $1::text', [
        runId,
      ]);
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const rows = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.run_id = $1::text`, [
      runId,
    ]);
    return rows[0] && toRunRecord(rows[0]);
  }

  async getRunSettings(runId: string): Promise<Record<string, unknown> | undefined> {
    const rows = await this.db.query<{ settings: Record<string, unknown> | string | null }>(
      'SELECT settings FROM runs WHERE run_id = $1::text',
      [runId],
    );
    const settings = rows[0]?.settings;
    if (settings === undefined || settings === null) return undefined;
    return typeof settings === 'string' ? (JSON.parse(settings) as Record<string, unknown>) : settings;
  }

  async listRuns(
    filter: { from?: string; to?: string; scopeKey?: string; status?: RunStatus; limit?: number } = {},
  ): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (cond: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(cond(`$${params.length}`));
    };
    if (filter.from !== undefined)
      add((p) => `r.started_at >= ${p}::timestamptz`, dayBound(filter.from, false));
    if (filter.to !== undefined) {
      const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(filter.to);
      const op = dateOnly ? '<' : '<=';
      add((p) => `r.started_at ${op} ${p}::timestamptz`, dayBound(filter.to, true));
    }
    if (filter.scopeKey !== undefined) add((p) => `r.scope_key = ${p}::text`, filter.scopeKey);
    if (filter.status !== undefined) add((p) => `r.status = ${p}::text`, filter.status);
    params.push(filter.limit ?? null);
    const rows = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY r.started_at DESC, r.run_id DESC LIMIT $${params.length}::int`,
      params,
    );
    return rows.map(toRunRecord);
  }

  async latestCompletedRun(scopeKey: string): Promise<RunRecord | undefined> {
    const [run] = await this.listRuns({ scopeKey, status: 'COMPLETED', limit: 1 });
    return run;
  }

  async previousCompletedRun(runId: string): Promise<RunRecord | undefined> {
    const rows = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs r JOIN runs cur ON cur.run_id = $1::text
       WHERE r.scope_key = cur.scope_key AND r.status = 'COMPLETED' AND r.started_at < cur.started_at
       ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1`,
      [runId],
    );
    return rows[0] && toRunRecord(rows[0]);
  }

  async findingHistory(key: FindingKey, limit?: number): Promise<FindingHistoryEntry[]> {
    const rows = await this.db.query<{
      run_id: string;
      started_at: Timestamp;
      status: Status;
      severity: Finding['severity'];
      message: string;
    }>(
      `SELECT f.run_id, r.started_at, f.status, f.severity, f.message
       FROM findings f JOIN runs r ON r.run_id = f.run_id
       WHERE f.check_id = $1::text AND f.account_id = $2::text AND f.region = $3::text
         AND f.resource_arn = $4::text
       ORDER BY r.started_at DESC, f.run_id DESC LIMIT $5::int`,
      [key.checkId, key.accountId ?? '', key.region ?? '', key.resourceArn ?? '', limit ?? null],
    );
    return rows.map((r) => ({
      runId: r.run_id,
      startedAt: iso(r.started_at),
      status: r.status,
      severity: r.severity,
      message: r.message,
    }));
  }

  async summary(runId: string): Promise<Summary> {
    await this.requireRun(runId);
    const [groups, coverage] = await Promise.all([
      this.db.query<StatusSeverityCount>(
        `SELECT status, severity, count(*)::int AS count FROM findings WHERE run_id = $1::text
         GROUP BY status, severity`,
        [runId],
      ),
      this.db.query<{ account_regions: number; covered: number }>(
        `WITH audited AS (
           SELECT DISTINCT r.account_id, e->>'region' AS region
           FROM account_results r CROSS JOIN LATERAL jsonb_array_elements(r.regions) AS e
           WHERE r.run_id = $1::text AND e->>'status' IN ('ASSESSED', 'ERROR'))
         SELECT count(*)::int AS account_regions,
           (count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM findings f WHERE f.run_id = $1::text AND f.check_id = $2::text
               AND f.account_id = a.account_id AND f.region = a.region AND f.status = 'PASS')))::int AS covered
         FROM audited a`,
        [runId, REGION_COVERAGE_CHECK],
      ),
    ]);
    const c = coverage[0] ?? { account_regions: 0, covered: 0 };
    return buildSummary(groups, { accountRegions: c.account_regions, covered: c.covered });
  }

  /**
   * Drift of `runId` against `previousRunId`, keyed by FindingKey:
   * - newFailures: FAIL now; absent or not FAIL before.
   * - resolved: FAIL before; PASS or WAIVED now, or absent now because the subject is gone. Absence counts
   *   as gone only when this run looked: for an account-origin finding, the account was ASSESSED (and the
   *   finding's region was not ERROR), or the account is no longer in the run's (non-empty) inventory or is
   *   now out of scope; for an org-origin finding, this run saved org findings. A FAIL whose account this
   *   run could not assess is left out: its status is unknown, and org.account_assessed reports that.
   * - changed: in both runs with a different status or severity, and in neither category above
   *   (e.g. FAIL → ERROR, PASS → ERROR, FAIL high → FAIL critical).
   * - coverageLost / coverageGained: account-regions with a cloudtrail.region_coverage PASS in only the
   *   previous / only this run.
   * Every list is ordered by its key columns in byte order.
   */
  async drift(runId: string, previousRunId: string): Promise<Drift> {
    await Promise.all([this.requireRun(runId), this.requireRun(previousRunId)]);
    const rows = await this.db.query<
      KeyRow & {
        kind: 'new' | 'resolved' | 'changed';
        cs: Status;
        cv: Finding['severity'];
        ps: Status;
        pv: Finding['severity'];
      }
    >(
      `WITH j AS (
         SELECT check_id, account_id, region, resource_arn,
           c.status AS cs, c.severity AS cv, p.status AS ps, p.severity AS pv, p.origin
         FROM (SELECT check_id, account_id, region, resource_arn, status, severity
               FROM findings WHERE run_id = $1::text) c
         FULL JOIN (SELECT check_id, account_id, region, resource_arn, status, severity, origin
               FROM findings WHERE run_id = $2::text) p
         USING (check_id, account_id, region, resource_arn)
       ), cur_run AS (
         SELECT org_findings_at IS NOT NULL AS org_saved,
           EXISTS (SELECT 1 FROM inventory_accounts WHERE run_id = $1::text) AS has_inventory
         FROM runs WHERE run_id = $1::text
       ), classified AS (
         SELECT j.*, CASE
           WHEN cs = 'FAIL' AND (ps IS NULL OR ps <> 'FAIL') THEN 'new'
           WHEN ps = 'FAIL' AND cs IN ('PASS', 'WAIVED') THEN 'resolved'
           WHEN ps = 'FAIL' AND cs IS NULL AND (CASE
             WHEN origin = 'org' THEN (SELECT org_saved FROM cur_run)
             ELSE EXISTS (
                 SELECT 1 FROM account_results r
                 WHERE r.run_id = $1::text AND r.account_id = substr(j.origin, 9) AND r.status = 'ASSESSED'
                   AND NOT r.regions @> jsonb_build_array(jsonb_build_object('region', j.region, 'status', 'ERROR')))
               OR ((SELECT has_inventory FROM cur_run) AND NOT EXISTS (
                 SELECT 1 FROM inventory_accounts i
                 WHERE i.run_id = $1::text AND i.account_id = substr(j.origin, 9) AND i.in_scope))
             END) THEN 'resolved'
           WHEN cs IS NOT NULL AND ps IS NOT NULL AND (cs <> ps OR cv <> pv) THEN 'changed'
         END AS kind
         FROM j
       )
       SELECT check_id, account_id, region, resource_arn, kind, cs, cv, ps, pv
       FROM classified WHERE kind IS NOT NULL
       ORDER BY ${KEY_ORDER}`,
      [runId, previousRunId],
    );
    const coverage = await this.db.query<{ account_id: string; region: string; side: 'lost' | 'gained' }>(
      `WITH cov AS (
         SELECT run_id, account_id, region FROM findings
         WHERE run_id IN ($1::text, $2::text) AND check_id = $3::text AND status = 'PASS'
           AND account_id <> '' AND region <> ''
       )
       SELECT account_id, region, 'gained' AS side FROM cov WHERE run_id = $1::text
       EXCEPT SELECT account_id, region, 'gained' FROM cov WHERE run_id = $2::text
       UNION ALL
       (SELECT account_id, region, 'lost' AS side FROM cov WHERE run_id = $2::text
        EXCEPT SELECT account_id, region, 'lost' FROM cov WHERE run_id = $1::text)
       ORDER BY account_id, region`,
      [runId, previousRunId, REGION_COVERAGE_CHECK],
    );
    const drift: Drift = {
      previousRunId,
      newFailures: [],
      resolved: [],
      changed: [],
      coverageLost: [],
      coverageGained: [],
    };
    for (const r of rows) {
      if (r.kind === 'new') drift.newFailures.push(toKey(r));
      else if (r.kind === 'resolved') drift.resolved.push(toKey(r));
      else {
        drift.changed.push({
          ...toKey(r),
          from: { status: r.ps, severity: r.pv },
          to: { status: r.cs, severity: r.cv },
        });
      }
    }
    for (const c of coverage) {
      const list = c.side === 'lost' ? drift.coverageLost : drift.coverageGained;
      list.push({ accountId: c.account_id, region: c.region });
    }
    return drift;
  }

  /**
   * Every finding of the run in key order, read a page at a time (keyset pagination on the primary key).
   * Each page arrives as one JSON document built in SQL: one JSON.parse per page instead of per-row,
   * per-column decoding, which more than halves the time on PGlite.
   */
  async *iterateFindings(runId: string, pageSize = FINDING_PAGE): AsyncGenerator<Finding> {
    let after: Finding | undefined;
    for (;;) {
      const from = after;
      const where = from
        ? `run_id = $1::text AND (${KEY_ORDER}) > ($3::text, $4::text, $5::text, $6::text)`
        : 'run_id = $1::text';
      const params = from
        ? [runId, pageSize, from.checkId, from.accountId ?? '', from.region ?? '', from.resourceArn ?? '']
        : [runId, pageSize];
      const [row] = await this.db.transaction(async (tx) => {
        // Each page must walk the primary key, never sort the rest of the run: with stale statistics (a
        // run just written, or PGlite, which has no autovacuum) the planner may otherwise sort everything
        // after the cursor for every page.
        await tx.query('SET LOCAL enable_sort = off');
        return tx.query<{ page: string }>(
          `SELECT COALESCE(json_agg(json_build_object(
             'checkId', check_id, 'accountId', NULLIF(account_id, ''), 'region', NULLIF(region, ''),
             'resourceArn', NULLIF(resource_arn, ''), 'status', status, 'severity', severity, 'title', title,
             'message', message, 'evidence', evidence, 'compliance', compliance, 'waiver', waiver)
             ORDER BY ${KEY_ORDER}), '[]')::text AS page
           FROM (SELECT * FROM findings WHERE ${where} ORDER BY ${KEY_ORDER} LIMIT $2::int) f`,
          params,
        );
      });
      const page = JSON.parse(row?.page ?? '[]') as (Finding & { waiver: Finding['waiver'] | null })[];
      for (const f of page) {
        if (f.waiver === null) delete f.waiver;
        yield f;
      }
      if (page.length < pageSize) return;
      after = page[page.length - 1];
    }
  }

  async buildReport(runId: string): Promise<Report> {
    const run = await this.requireRun(runId);
    if (run.organizationId === null || run.managementAccountId === null) {
      throw new IncompleteRunError(runId, 'organization');
    }
    const [accounts, summary, previous, waivers] = await Promise.all([
      this.reportAccounts(runId),
      this.summary(runId),
      this.previousCompletedRun(runId),
      this.db.query<{ expired_waivers: ExpiredWaiver[] | null }>(
        'SELECT expired_waivers FROM runs WHERE run_id = $1::text',
        [runId],
      ),
    ]);
    const findings: Finding[] = [];
    for await (const f of this.iterateFindings(runId)) findings.push(f);
    const report: Report = {
      schemaVersion: 1,
      runId,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      organization: { id: run.organizationId, managementAccountId: run.managementAccountId },
      scope: { regions: run.regions, accountCount: run.accountCount },
      accounts,
      findings,
      summary,
      drift: previous ? await this.drift(runId, previous.runId) : null,
    };
    const expired = waivers[0]?.expired_waivers;
    if (expired) report.expiredWaivers = expired;
    return report;
  }

  /**
   * Report accounts in discovery order: the result when there is one (an account saved with a result is
   * shown as assessed even if the inventory calls it excluded), NotReached for in-scope accounts without
   * a result, Excluded for out-of-scope ones; results with no inventory row come last, never dropped.
   */
  private async reportAccounts(runId: string): Promise<AccountReport[]> {
    const rows = await this.db.query<{
      account_id: string;
      name: string | null;
      ou_path: string | null;
      in_scope: boolean | null;
      excluded_reason: string | null;
      result_status: 'ASSESSED' | 'NOT_ASSESSED' | null;
      error: { code: string; message: string } | null;
      regions: RegionStatus[] | null;
    }>(
      `SELECT COALESCE(i.account_id, r.account_id) AS account_id, i.name, i.ou_path, i.in_scope,
         i.excluded_reason, r.status AS result_status, r.error, r.regions
       FROM (SELECT * FROM inventory_accounts WHERE run_id = $1::text) i
       FULL JOIN (SELECT * FROM account_results WHERE run_id = $1::text) r ON r.account_id = i.account_id
       ORDER BY i.seq NULLS LAST, 1`,
      [runId],
    );
    return rows.map((r) => {
      const a: AccountReport = {
        accountId: r.account_id,
        name: r.name ?? r.account_id,
        ouPath: r.ou_path ?? '',
        status: 'NOT_ASSESSED',
        regions: r.regions ?? [],
      };
      if (r.result_status) {
        a.status = r.result_status;
        if (r.error) a.error = r.error;
      } else if (r.in_scope === false) {
        a.status = 'EXCLUDED';
        a.error = { code: 'Excluded', message: r.excluded_reason ?? 'out of scope' };
      } else {
        a.error = { code: 'NotReached', message: 'the run ended before this account was assessed' };
      }
      return a;
    });
  }

  private async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.getRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }
}
