import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegionFacts } from '../../checks/facts.js';
import type { Finding, FindingKey } from '../../checks/types.js';
import { reportSchema } from '../../report/model.js';
import { type Db, openPgDb, openPgliteDb } from '../../store/db.js';
import {
  DuplicateFindingError,
  IncompleteRunError,
  type InventoryAccount,
  openMemoryStore,
  openStore,
  RunNotFoundError,
  type Store,
} from '../../store/index.js';
import { MIGRATIONS, migrate } from '../../store/migrations.js';
import { SqlStore } from '../../store/sql-store.js';
import { createTestDatabase, type TestDatabase } from '../harness/postgres.js';

// ---------------------------------------------------------------------------------------------------------
// Builders

let counter = 0;
/** A run id (or scope key) no other test in this file uses. */
function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A 12-digit account id. */
function acct(n: number): string {
  return String(100_000_000_000 + n);
}

const MGMT = acct(1);
const A1 = acct(11);
const A2 = acct(12);
const A3 = acct(13);
const A4 = acct(14);

function finding(
  checkId: string,
  accountId: string | null,
  region: string | null,
  over: Partial<Finding> = {},
): Finding {
  return {
    checkId,
    accountId,
    region,
    resourceArn: null,
    status: 'PASS',
    severity: 'medium',
    title: `title of ${checkId}`,
    message: `${checkId} on ${accountId ?? 'the organization'} ${region ?? ''}`.trim(),
    evidence: { checked: checkId, nested: { list: [1, 2] } },
    compliance: ['CIS-3.0:3.1'],
    ...over,
  };
}

function keyOf(f: Finding): FindingKey {
  return { checkId: f.checkId, accountId: f.accountId, region: f.region, resourceArn: f.resourceArn };
}

function inventory(accountId: string, seq: number, over: Partial<InventoryAccount> = {}): InventoryAccount {
  return {
    accountId,
    seq,
    name: `account-${seq}`,
    email: `a${seq}@example.com`,
    ouPath: '/Root/Workloads',
    ouIds: ['r-abcd', 'ou-abcd-1111'],
    status: 'ACTIVE',
    tags: { team: 'blue' },
    inScope: true,
    ...over,
  };
}

function regionFacts(accountId: string, region: string, collectedAt: string): RegionFacts {
  return {
    accountId,
    region,
    collectedAt,
    visibleTrails: { value: [] },
    trails: [],
    config: {
      recorders: { error: { code: 'AccessDenied', message: 'not allowed' } },
      deliveryChannels: { value: [] },
      rules: { value: [] },
    },
    tamperEvents: { value: [] },
    lookback: { from: '2030-01-01T00:00:00.000Z', to: '2030-01-08T00:00:00.000Z' },
  };
}

/** A run with organization and scope recorded, started at `startedAt`. */
async function startRun(store: Store, opts: { runId?: string; scopeKey: string; startedAt: string }) {
  const runId = opts.runId ?? uid('run');
  await store.createRun({
    runId,
    scopeKey: opts.scopeKey,
    startedAt: opts.startedAt,
    settings: { regions: 2 },
  });
  await store.saveOrganization(runId, { id: 'o-example', managementAccountId: MGMT });
  await store.setRunScope(runId, { regions: ['eu-west-1', 'us-east-1'], accountCount: 4 });
  return runId;
}

const REGIONS_OK = [
  { region: 'eu-west-1', status: 'ASSESSED' as const },
  { region: 'us-east-1', status: 'ASSESSED' as const },
];

// ---------------------------------------------------------------------------------------------------------
// Backends: the same cases run against each.

interface Backend {
  name: string;
  /** Opens a raw connection to this backend's (one, fresh) database. Called once per suite. */
  connect(): Promise<Db>;
  /** Closes the suite's store and opens the same database again through openStore (persistent ones). */
  reopen?: (current: Store) => Promise<Store>;
  cleanup(): Promise<void>;
}

function pgliteMemory(): Backend {
  return { name: 'PGlite in memory', connect: () => openPgliteDb(), cleanup: async () => {} };
}

function pgliteDir(): Backend {
  let dir = '';
  return {
    name: 'PGlite on a data directory',
    async connect() {
      dir = await mkdtemp(join(tmpdir(), 'tw-store-'));
      return openPgliteDb(join(dir, 'store'));
    },
    async reopen(current) {
      // PGlite is single-process: the directory must be released before it is opened again.
      await current.close();
      return openStore({ dataDir: dir });
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function postgres(): Backend {
  let db: TestDatabase | undefined;
  return {
    name: 'PostgreSQL',
    async connect() {
      db = await createTestDatabase('tw_store');
      return openPgDb(db.url);
    },
    async reopen(current) {
      // A server database can be opened by a second store while the first is still open.
      const second = await openStore({ url: db!.url });
      await current.close();
      return second;
    },
    cleanup: async () => db?.drop(),
  };
}

describe.each([pgliteMemory(), pgliteDir(), postgres()])('store on $name', (backend) => {
  let db: Db;
  let store: Store;
  let firstMigration: number[];

  beforeAll(async () => {
    db = await backend.connect();
    firstMigration = await migrate(db);
    store = new SqlStore(db);
  });

  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  describe('migrations', () => {
    it('apply every numbered migration once, and nothing on a second pass', async () => {
      expect(firstMigration).toEqual(MIGRATIONS.map((m) => m.id));
      expect(await migrate(db)).toEqual([]);
      const rows = await db.query<{ id: number; name: string }>(
        'SELECT id, name FROM schema_migrations ORDER BY id',
      );
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        'account_results',
        'findings',
        'inventory_accounts',
        'org_facts',
        'region_facts',
        'runs',
        'schema_migrations',
      ]);
    });

    it('refuse a database migrated by a newer version', async () => {
      await expect(migrate(db, MIGRATIONS.slice(0, 0))).rejects.toThrow(/newer version/);
    });

    if (backend.reopen) {
      it('keep data when the database is opened again, without re-applying anything', async () => {
        const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-01-01T00:00:00Z' });
        store = await backend.reopen!(store);
        expect((await store.getRun(runId))?.organizationId).toBe('o-example');
        const rows = await (store as SqlStore).listRuns({ limit: 1000 });
        expect(rows.some((r) => r.runId === runId)).toBe(true);
      });
    }
  });

  describe('runs', () => {
    it('createRun is idempotent: a second call with the same id changes nothing', async () => {
      const runId = uid('run');
      await store.createRun({ runId, scopeKey: 's1', startedAt: '2030-02-01T10:00:00Z', settings: { a: 1 } });
      await store.createRun({ runId, scopeKey: 's2', startedAt: '2030-02-02T10:00:00Z', settings: { a: 2 } });
      expect(await store.getRun(runId)).toEqual({
        runId,
        scopeKey: 's1',
        status: 'RUNNING',
        startedAt: '2030-02-01T10:00:00.000Z',
        finishedAt: null,
        organizationId: null,
        managementAccountId: null,
        regions: [],
        accountCount: 0,
        error: null,
        counts: { PASS: 0, FAIL: 0, WAIVED: 0, ERROR: 0 },
      });
      expect(await store.getRunSettings(runId)).toEqual({ a: 1 });
      expect(await store.getRun('no-such-run')).toBeUndefined();
      expect(await store.getRunSettings('no-such-run')).toBeUndefined();
    });

    it('records organization, scope and finish; counts follow late writes', async () => {
      const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-02-03T10:00:00Z' });
      await store.saveAccountResult(runId, {
        accountId: A1,
        status: 'ASSESSED',
        regions: REGIONS_OK,
        findings: [finding('c.a', A1, 'us-east-1'), finding('c.b', A1, 'us-east-1', { status: 'FAIL' })],
      });
      await store.finishRun(runId, { status: 'FAILED', finishedAt: '2030-02-03T11:00:00Z', error: 'boom' });
      const run = await store.getRun(runId);
      expect(run).toMatchObject({
        status: 'FAILED',
        finishedAt: '2030-02-03T11:00:00.000Z',
        error: 'boom',
        organizationId: 'o-example',
        managementAccountId: MGMT,
        regions: ['eu-west-1', 'us-east-1'],
        accountCount: 4,
        counts: { PASS: 1, FAIL: 1, WAIVED: 0, ERROR: 0 },
      });
      // A retried activity that lands after the finish must not leave stale counts behind.
      await store.saveAccountResult(runId, {
        accountId: A2,
        status: 'ASSESSED',
        regions: REGIONS_OK,
        findings: [finding('c.a', A2, 'us-east-1', { status: 'ERROR' })],
      });
      expect((await store.getRun(runId))?.counts).toEqual({ PASS: 1, FAIL: 1, WAIVED: 0, ERROR: 1 });
    });

    it('writes about an unknown run fail loudly', async () => {
      await expect(store.setRunScope('missing', { regions: [], accountCount: 0 })).rejects.toBeInstanceOf(
        RunNotFoundError,
      );
      await expect(
        store.finishRun('missing', { status: 'COMPLETED', finishedAt: '2030-01-01T00:00:00Z' }),
      ).rejects.toBeInstanceOf(RunNotFoundError);
      await expect(
        store.saveOrganization('missing', { id: 'o-x', managementAccountId: MGMT }),
      ).rejects.toBeInstanceOf(RunNotFoundError);
      await expect(store.saveOrgFindings('missing', [])).rejects.toBeInstanceOf(RunNotFoundError);
      await expect(store.saveOrgFindings('missing', [finding('org.x', null, null)])).rejects.toBeInstanceOf(
        RunNotFoundError,
      );
      await expect(
        store.saveAccountResult('missing', { accountId: A1, status: 'ASSESSED', regions: [], findings: [] }),
      ).rejects.toBeInstanceOf(RunNotFoundError);
      await expect(store.saveInventory('missing', [inventory(A1, 0)])).rejects.toBeInstanceOf(
        RunNotFoundError,
      );
      await expect(
        store.saveRegionFacts('missing', regionFacts(A1, 'us-east-1', '2030-01-01T00:00:00Z')),
      ).rejects.toBeInstanceOf(RunNotFoundError);
      await expect(store.summary('missing')).rejects.toBeInstanceOf(RunNotFoundError);
      await expect(store.buildReport('missing')).rejects.toBeInstanceOf(RunNotFoundError);
    });

    it('organization facts round-trip; saving identity alone keeps earlier facts', async () => {
      const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-02-04T10:00:00Z' });
      expect(await store.loadOrganizationFacts(runId)).toBeUndefined();
      const facts = {
        organizationId: 'o-example',
        managementAccountId: MGMT,
        orgTrails: { value: [] },
        orgTrailsSource: { kind: 'management' as const, accountId: MGMT },
        orgTrailEvents: { error: { code: 'ThrottlingException', message: 'slow down' } },
        aggregators: { value: [] },
        delegatedConfigAdmins: [A1],
      };
      await store.saveOrganization(runId, { id: 'o-example', managementAccountId: MGMT }, facts);
      await store.saveOrganization(runId, { id: 'o-renamed', managementAccountId: MGMT });
      expect(await store.loadOrganizationFacts(runId)).toEqual(facts);
      expect((await store.getRun(runId))?.organizationId).toBe('o-renamed');
    });
  });

  describe('inventory and region facts', () => {
    it('pages the in-scope inventory in seq order, and a retried save adds no rows', async () => {
      const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-03-01T10:00:00Z' });
      const accounts = Array.from({ length: 25 }, (_, i) =>
        inventory(acct(1000 + i), i, i % 5 === 4 ? { inScope: false, excludedReason: 'SUSPENDED' } : {}),
      );
      // Saved out of order and without e-mail for one account: pages follow seq, absent stays absent.
      const { email: _email, ...noEmail } = accounts[0]!;
      await store.saveInventory(runId, [...accounts.slice(1).reverse(), noEmail]);
      await store.saveInventory(runId, [{ ...accounts[1]!, name: 'renamed' }]);

      const pages: InventoryAccount[][] = [];
      for (let offset = 0; ; offset += 8) {
        const page = await store.inventoryPage(runId, offset, 8);
        pages.push(page);
        if (page.length < 8) break;
      }
      expect(pages.map((p) => p.length)).toEqual([8, 8, 4]);
      const all = pages.flat();
      const expected = accounts.filter((a) => a.inScope).map((a) => a.accountId);
      expect(all.map((a) => a.accountId)).toEqual(expected);
      expect(all[0]).toEqual(noEmail);
      expect(all[1]).toEqual({ ...accounts[1], name: 'renamed' });
      expect(await store.inventoryPage(runId, 100, 8)).toEqual([]);

      await store.setAccountTags(runId, accounts[2]!.accountId, { owner: 'team-a', env: 'prod' });
      const [third] = await store.inventoryPage(runId, 2, 1);
      expect(third).toEqual({ ...accounts[2], tags: { owner: 'team-a', env: 'prod' } });
    });

    it('region facts round-trip per account, ordered by region, replaced on retry', async () => {
      const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-03-02T10:00:00Z' });
      const us = regionFacts(A1, 'us-east-1', '2030-03-02T10:01:00.000Z');
      const eu = regionFacts(A1, 'eu-west-1', '2030-03-02T10:02:00.000Z');
      await store.saveRegionFacts(runId, us);
      await store.saveRegionFacts(runId, eu);
      await store.saveRegionFacts(runId, regionFacts(A2, 'us-east-1', '2030-03-02T10:03:00.000Z'));
      const retried = { ...us, collectedAt: '2030-03-02T10:09:00.000Z', tamperEvents: { value: [] } };
      await store.saveRegionFacts(runId, retried);
      expect(await store.loadRegionFacts(runId, A1)).toEqual([eu, retried]);
      expect(await store.loadRegionFacts(runId, A3)).toEqual([]);
    });
  });

  describe('idempotent findings', () => {
    it("a retried account keeps only its latest findings; the org's findings for that account survive", async () => {
      const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-04-01T10:00:00Z' });
      const orgTrail = `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/org`;
      const orgFindings = [
        finding('cloudtrail.log_file_validation', MGMT, 'us-east-1', { resourceArn: orgTrail }),
        finding('org.trail_exists', null, null, { status: 'FAIL', severity: 'critical' }),
      ];
      await store.saveOrgFindings(runId, orgFindings);
      await store.saveAccountResult(runId, {
        accountId: MGMT,
        status: 'NOT_ASSESSED',
        error: { code: 'Throttling', message: 'gave up' },
        regions: [],
        findings: [finding('c.first', MGMT, 'us-east-1'), finding('c.both', MGMT, 'eu-west-1')],
      });
      const latest = [
        finding('c.both', MGMT, 'eu-west-1', { status: 'FAIL', severity: 'high' }),
        finding('c.second', MGMT, 'us-east-1'),
      ];
      await store.saveAccountResult(runId, {
        accountId: MGMT,
        status: 'ASSESSED',
        regions: REGIONS_OK,
        findings: latest,
      });
      await store.saveAccountResult(runId, {
        accountId: MGMT,
        status: 'ASSESSED',
        regions: REGIONS_OK,
        findings: latest,
      });

      const report = await store.buildReport(runId);
      const byKey = (a: Finding, b: Finding) => a.checkId.localeCompare(b.checkId);
      expect([...report.findings].sort(byKey)).toEqual([...latest, ...orgFindings].sort(byKey));
      expect(report.accounts.find((a) => a.accountId === MGMT)).toMatchObject({
        status: 'ASSESSED',
        regions: REGIONS_OK,
      });
      expect(report.accounts.find((a) => a.accountId === MGMT)?.error).toBeUndefined();

      // And the reverse: replacing the org's findings leaves the account's alone.
      await store.saveOrgFindings(runId, [orgFindings[1]!]);
      const after = await store.buildReport(runId);
      expect(after.findings.map((f) => f.checkId).sort()).toEqual(['c.both', 'c.second', 'org.trail_exists']);
    });

    it('a key written twice in one run is a DuplicateFindingError, and the earlier rows stay intact', async () => {
      const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-04-02T10:00:00Z' });
      const shared = finding('cloudtrail.multi_region', MGMT, 'us-east-1', { resourceArn: 'arn:trail' });
      await store.saveOrgFindings(runId, [shared]);
      const before = [finding('c.kept', MGMT, 'us-east-1')];
      await store.saveAccountResult(runId, {
        accountId: MGMT,
        status: 'ASSESSED',
        regions: [],
        findings: before,
      });
      await expect(
        store.saveAccountResult(runId, {
          accountId: MGMT,
          status: 'ASSESSED',
          regions: [],
          findings: [finding('c.other', MGMT, 'us-east-1'), shared],
        }),
      ).rejects.toBeInstanceOf(DuplicateFindingError);
      await expect(
        store.saveAccountResult(runId, {
          accountId: A1,
          status: 'ASSESSED',
          regions: [],
          findings: [finding('c.twice', A1, null), finding('c.twice', A1, null)],
        }),
      ).rejects.toBeInstanceOf(DuplicateFindingError);
      const report = await store.buildReport(runId);
      expect(report.findings.map(keyOf)).toEqual([keyOf(before[0]!), keyOf(shared)]);
      expect(report.accounts.map((a) => a.accountId)).toEqual([MGMT]);
    });

    it('writes thousands of findings of one account across several batches', async () => {
      const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-04-03T10:00:00Z' });
      const many = Array.from({ length: 4_500 }, (_, i) =>
        finding('c.bulk', A1, 'us-east-1', {
          resourceArn: `arn:aws:cloudtrail:us-east-1:${A1}:trail/t${String(i).padStart(5, '0')}`,
          status: i % 3 === 0 ? 'FAIL' : 'PASS',
          severity: 'low',
        }),
      );
      await store.saveAccountResult(runId, {
        accountId: A1,
        status: 'ASSESSED',
        regions: [],
        findings: many,
      });
      await store.saveAccountResult(runId, {
        accountId: A1,
        status: 'ASSESSED',
        regions: [],
        findings: many,
      });
      const summary = await store.summary(runId);
      expect(summary.byStatus).toEqual({ PASS: 3_000, FAIL: 1_500, WAIVED: 0, ERROR: 0 });
      const streamed: string[] = [];
      for await (const f of store.iterateFindings(runId, 1_000)) streamed.push(f.resourceArn!);
      expect(streamed).toEqual(many.map((f) => f.resourceArn));
    });
  });

  describe('queries', () => {
    it('listRuns filters by dates, scope and status, most recent first, with a limit', async () => {
      const scopeA = uid('scope');
      const scopeB = uid('scope');
      // 2031 belongs to this test alone, so date filters see only these runs.
      const r1 = await startRun(store, { scopeKey: scopeA, startedAt: '2031-01-01T08:00:00Z' });
      const r2 = await startRun(store, { scopeKey: scopeA, startedAt: '2031-01-02T23:59:59Z' });
      const r3 = await startRun(store, { scopeKey: scopeB, startedAt: '2031-01-03T00:00:00Z' });
      const r4 = await startRun(store, { scopeKey: scopeA, startedAt: '2031-01-04T12:00:00Z' });
      await store.finishRun(r1, { status: 'COMPLETED', finishedAt: '2031-01-01T09:00:00Z' });
      await store.finishRun(r3, { status: 'COMPLETED', finishedAt: '2031-01-03T09:00:00Z' });
      await store.finishRun(r4, { status: 'CANCELLED', finishedAt: '2031-01-04T13:00:00Z' });
      const ids = async (f: Parameters<Store['listRuns']>[0]) =>
        (await store.listRuns(f)).map((r) => r.runId);

      expect(await ids({ from: '2031-01-01', to: '2031-12-31' })).toEqual([r4, r3, r2, r1]);
      // A date-only `to` includes that whole day; a timestamp bound is taken as is.
      expect(await ids({ from: '2031-01-02', to: '2031-01-03' })).toEqual([r3, r2]);
      expect(await ids({ from: '2031-01-02T23:59:59Z', to: '2031-01-03T00:00:00Z' })).toEqual([r3, r2]);
      expect(await ids({ from: '2031-01-02T23:59:59.001Z', to: '2031-01-02T23:59:59.999Z' })).toEqual([]);
      expect(await ids({ scopeKey: scopeA })).toEqual([r4, r2, r1]);
      expect(await ids({ scopeKey: scopeA, status: 'RUNNING' })).toEqual([r2]);
      expect(await ids({ from: '2031-01-01', status: 'COMPLETED' })).toEqual([r3, r1]);
      expect(await ids({ from: '2031-01-01', limit: 2 })).toEqual([r4, r3]);
    });

    it('latestCompletedRun and previousCompletedRun stay within the scope and skip unfinished runs', async () => {
      const scope = uid('scope');
      const other = uid('scope');
      const r1 = await startRun(store, { scopeKey: scope, startedAt: '2030-05-01T00:00:00Z' });
      const r2 = await startRun(store, { scopeKey: scope, startedAt: '2030-05-02T00:00:00Z' });
      const failed = await startRun(store, { scopeKey: scope, startedAt: '2030-05-03T00:00:00Z' });
      const foreign = await startRun(store, { scopeKey: other, startedAt: '2030-05-03T12:00:00Z' });
      const r4 = await startRun(store, { scopeKey: scope, startedAt: '2030-05-04T00:00:00Z' });
      for (const id of [r1, r2, foreign]) {
        await store.finishRun(id, { status: 'COMPLETED', finishedAt: '2030-05-05T00:00:00Z' });
      }
      await store.finishRun(failed, { status: 'FAILED', finishedAt: '2030-05-05T00:00:00Z', error: 'x' });

      expect((await store.latestCompletedRun(scope))?.runId).toBe(r2);
      expect(await store.latestCompletedRun(uid('scope'))).toBeUndefined();
      expect((await store.previousCompletedRun(r4))?.runId).toBe(r2);
      expect((await store.previousCompletedRun(r2))?.runId).toBe(r1);
      expect(await store.previousCompletedRun(r1)).toBeUndefined();
      expect(await store.previousCompletedRun(foreign)).toBeUndefined();
      await store.finishRun(r4, { status: 'COMPLETED', finishedAt: '2030-05-05T00:00:00Z' });
      expect((await store.latestCompletedRun(scope))?.runId).toBe(r4);
    });

    it('findingHistory follows one key across three runs, most recent first', async () => {
      const check = uid('hist.check');
      const arn = `arn:aws:cloudtrail:eu-west-1:${A1}:trail/main`;
      const key = { checkId: check, accountId: A1, region: 'eu-west-1', resourceArn: arn };
      const scope = uid('scope');
      const runs: string[] = [];
      const steps = [
        { status: 'PASS', severity: 'high', startedAt: '2030-06-01T00:00:00Z' },
        { status: 'FAIL', severity: 'high', startedAt: '2030-06-02T00:00:00Z' },
        { status: 'WAIVED', severity: 'critical', startedAt: '2030-06-03T00:00:00Z' },
      ] as const;
      for (const s of steps) {
        const runId = await startRun(store, { scopeKey: scope, startedAt: s.startedAt });
        runs.push(runId);
        await store.saveAccountResult(runId, {
          accountId: A1,
          status: 'ASSESSED',
          regions: REGIONS_OK,
          findings: [
            finding(check, A1, 'eu-west-1', { resourceArn: arn, status: s.status, severity: s.severity }),
            // Same check and account, other resource: must not leak into the history.
            finding(check, A1, 'eu-west-1', { resourceArn: `${arn}-other`, status: 'ERROR' }),
          ],
        });
      }
      // An org-level key (null account and region) has its own history.
      await store.saveOrgFindings(runs[1]!, [finding(check, null, null, { status: 'FAIL', message: 'org' })]);

      const history = await store.findingHistory(key);
      expect(history).toEqual([
        {
          runId: runs[2],
          startedAt: '2030-06-03T00:00:00.000Z',
          status: 'WAIVED',
          severity: 'critical',
          message: expect.any(String),
        },
        {
          runId: runs[1],
          startedAt: '2030-06-02T00:00:00.000Z',
          status: 'FAIL',
          severity: 'high',
          message: expect.any(String),
        },
        {
          runId: runs[0],
          startedAt: '2030-06-01T00:00:00.000Z',
          status: 'PASS',
          severity: 'high',
          message: expect.any(String),
        },
      ]);
      expect((await store.findingHistory(key, 2)).map((h) => h.runId)).toEqual([runs[2], runs[1]]);
      expect(
        await store.findingHistory({ checkId: check, accountId: null, region: null, resourceArn: null }),
      ).toEqual([
        {
          runId: runs[1],
          startedAt: '2030-06-02T00:00:00.000Z',
          status: 'FAIL',
          severity: 'medium',
          message: 'org',
        },
      ]);
    });

    it('summary counts by status, FAIL by severity, coverage of audited account-regions, weighted score', async () => {
      const runId = await startRun(store, { scopeKey: uid('scope'), startedAt: '2030-07-01T00:00:00Z' });
      await store.saveAccountResult(runId, {
        accountId: A1,
        status: 'ASSESSED',
        regions: [
          { region: 'us-east-1', status: 'ASSESSED' },
          { region: 'eu-west-1', status: 'ERROR', error: { code: 'AccessDenied', message: 'scp' } },
          { region: 'ap-east-1', status: 'DISABLED' },
        ],
        findings: [
          finding('cloudtrail.region_coverage', A1, 'us-east-1', { status: 'PASS', severity: 'high' }),
          finding('cloudtrail.region_coverage', A1, 'eu-west-1', { status: 'ERROR', severity: 'high' }),
          // A PASS in a region that was not audited covers nothing.
          finding('cloudtrail.region_coverage', A1, 'ap-east-1', { status: 'PASS', severity: 'high' }),
          finding('c.crit', A1, 'us-east-1', { status: 'FAIL', severity: 'critical' }),
          finding('c.low', A1, 'us-east-1', { status: 'FAIL', severity: 'low' }),
          finding('c.info', A1, 'us-east-1', { status: 'FAIL', severity: 'info' }),
          finding('c.waived', A1, 'us-east-1', {
            status: 'WAIVED',
            severity: 'medium',
            waiver: { reason: 'sandbox', expires: '2031-01-01' },
          }),
        ],
      });
      await store.saveAccountResult(runId, {
        accountId: A2,
        status: 'ASSESSED',
        regions: [{ region: 'us-east-1', status: 'ASSESSED' }],
        findings: [
          finding('cloudtrail.region_coverage', A2, 'us-east-1', { status: 'FAIL', severity: 'high' }),
        ],
      });
      const summary = await store.summary(runId);
      // good = PASS high×2 (5+5) + WAIVED medium (3) = 13; bad = ERROR high (5) + FAIL 10+1+0 + FAIL high (5) = 21.
      expect(summary).toEqual({
        byStatus: { PASS: 2, FAIL: 4, WAIVED: 1, ERROR: 1 },
        bySeverity: { critical: 1, high: 1, medium: 0, low: 1, info: 1 },
        coverage: { accountRegions: 3, covered: 1, ratio: 1 / 3 },
        score: 38.2,
      });
      expect(
        await store.summary(await startRun(store, { scopeKey: 'empty', startedAt: '2030-07-02T00:00:00Z' })),
      ).toEqual({
        byStatus: { PASS: 0, FAIL: 0, WAIVED: 0, ERROR: 0 },
        bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
        coverage: { accountRegions: 0, covered: 0, ratio: 0 },
        score: 100,
      });
    });
  });

  describe('drift', () => {
    const arn = (acc: string, region: string, name: string) =>
      `arn:aws:cloudtrail:${region}:${acc}:trail/${name}`;

    it('classifies new failures, resolutions, status and severity changes, and coverage moves', async () => {
      const scope = uid('scope');
      const prev = await startRun(store, { scopeKey: scope, startedAt: '2030-08-01T00:00:00Z' });
      await store.saveInventory(prev, [inventory(A1, 0), inventory(A2, 1), inventory(A3, 2)]);
      await store.saveAccountResult(prev, {
        accountId: A1,
        status: 'ASSESSED',
        regions: [...REGIONS_OK, { region: 'ap-south-1', status: 'ASSESSED' }],
        findings: [
          finding('c.newfail', A1, 'us-east-1', { status: 'PASS', severity: 'high' }),
          finding('c.resolved', A1, 'eu-west-1', { status: 'FAIL', severity: 'high' }),
          finding('c.waived', A1, null, { status: 'FAIL', severity: 'low' }),
          finding('c.gone', A1, 'us-east-1', { resourceArn: arn(A1, 'us-east-1', 'old'), status: 'FAIL' }),
          finding('c.status', A1, 'us-east-1', { status: 'PASS' }),
          finding('c.severity', A1, 'eu-west-1', { status: 'FAIL', severity: 'high' }),
          finding('c.failerr', A1, 'eu-west-1', { status: 'FAIL' }),
          finding('c.same', A1, 'us-east-1', { status: 'FAIL' }),
          finding('c.errregion', A1, 'ap-south-1', {
            resourceArn: arn(A1, 'ap-south-1', 'x'),
            status: 'FAIL',
          }),
          finding('cloudtrail.region_coverage', A1, 'us-east-1', { status: 'PASS', severity: 'high' }),
          finding('cloudtrail.region_coverage', A1, 'eu-west-1', { status: 'FAIL', severity: 'high' }),
        ],
      });
      await store.saveAccountResult(prev, {
        accountId: A2,
        status: 'ASSESSED',
        regions: REGIONS_OK,
        findings: [finding('c.unreached', A2, 'us-east-1', { status: 'FAIL' })],
      });
      await store.saveAccountResult(prev, {
        accountId: A3,
        status: 'ASSESSED',
        regions: REGIONS_OK,
        findings: [finding('c.left', A3, 'us-east-1', { status: 'FAIL' })],
      });
      await store.saveOrgFindings(prev, [
        finding('org.gone', null, null, { status: 'FAIL', severity: 'critical' }),
      ]);
      await store.finishRun(prev, { status: 'COMPLETED', finishedAt: '2030-08-01T01:00:00Z' });

      const cur = await startRun(store, { scopeKey: scope, startedAt: '2030-08-02T00:00:00Z' });
      // A3 has left the organization; A2 could not be entered this time.
      await store.saveInventory(cur, [inventory(A1, 0), inventory(A2, 1)]);
      await store.saveAccountResult(cur, {
        accountId: A1,
        status: 'ASSESSED',
        regions: [
          ...REGIONS_OK,
          { region: 'ap-south-1', status: 'ERROR', error: { code: 'AccessDenied', message: 'scp' } },
        ],
        findings: [
          finding('c.newfail', A1, 'us-east-1', { status: 'FAIL', severity: 'high' }),
          finding('c.appeared', A1, 'us-east-1', { status: 'FAIL', severity: 'medium' }),
          finding('c.resolved', A1, 'eu-west-1', { status: 'PASS', severity: 'high' }),
          finding('c.waived', A1, null, {
            status: 'WAIVED',
            severity: 'low',
            waiver: { reason: 'accepted', expires: '2031-01-01' },
          }),
          finding('c.status', A1, 'us-east-1', { status: 'ERROR' }),
          finding('c.severity', A1, 'eu-west-1', { status: 'FAIL', severity: 'critical' }),
          finding('c.failerr', A1, 'eu-west-1', { status: 'ERROR' }),
          finding('c.same', A1, 'us-east-1', { status: 'FAIL' }),
          finding('cloudtrail.region_coverage', A1, 'us-east-1', { status: 'FAIL', severity: 'high' }),
          finding('cloudtrail.region_coverage', A1, 'eu-west-1', { status: 'PASS', severity: 'high' }),
        ],
      });
      await store.saveAccountResult(cur, {
        accountId: A2,
        status: 'NOT_ASSESSED',
        error: { code: 'AccessDenied', message: 'role missing' },
        regions: [],
        findings: [finding('org.account_assessed', A2, null, { status: 'FAIL', severity: 'high' })],
      });
      await store.saveOrgFindings(cur, []);

      const k = (
        checkId: string,
        accountId: string | null,
        region: string | null,
        resourceArn: string | null = null,
      ) => ({
        checkId,
        accountId,
        region,
        resourceArn,
      });
      const drift = await store.drift(cur, prev);
      expect(drift).toEqual({
        previousRunId: prev,
        newFailures: [
          k('c.appeared', A1, 'us-east-1'),
          k('c.newfail', A1, 'us-east-1'),
          k('cloudtrail.region_coverage', A1, 'us-east-1'),
          k('org.account_assessed', A2, null),
        ],
        resolved: [
          // Absent now, and the account was assessed in that region: the trail is gone.
          k('c.gone', A1, 'us-east-1', arn(A1, 'us-east-1', 'old')),
          // Absent now because the account left the organization.
          k('c.left', A3, 'us-east-1'),
          k('c.resolved', A1, 'eu-west-1'),
          k('c.waived', A1, null),
          k('cloudtrail.region_coverage', A1, 'eu-west-1'),
          // The org checks ran and no longer report it.
          k('org.gone', null, null),
        ],
        // c.unreached (A2 not assessed) and c.errregion (region ERROR now) are unknown, not resolved.
        changed: [
          {
            ...k('c.failerr', A1, 'eu-west-1'),
            from: { status: 'FAIL', severity: 'medium' },
            to: { status: 'ERROR', severity: 'medium' },
          },
          {
            ...k('c.severity', A1, 'eu-west-1'),
            from: { status: 'FAIL', severity: 'high' },
            to: { status: 'FAIL', severity: 'critical' },
          },
          {
            ...k('c.status', A1, 'us-east-1'),
            from: { status: 'PASS', severity: 'medium' },
            to: { status: 'ERROR', severity: 'medium' },
          },
        ],
        coverageLost: [{ accountId: A1, region: 'us-east-1' }],
        coverageGained: [{ accountId: A1, region: 'eu-west-1' }],
      });
      // The reverse direction mirrors it.
      const back = await store.drift(prev, cur);
      expect(back.coverageLost).toEqual(drift.coverageGained);
      expect(back.coverageGained).toEqual(drift.coverageLost);
      expect(back.newFailures).toContainEqual(k('c.resolved', A1, 'eu-west-1'));

      const report = await store.buildReport(cur);
      expect(report.drift).toEqual(drift);
      await expect(store.drift(cur, 'missing')).rejects.toBeInstanceOf(RunNotFoundError);
    });

    it('leaves out FAILs of a run that never saved org findings or inventory (e.g. cancelled early)', async () => {
      const scope = uid('scope');
      const prev = await startRun(store, { scopeKey: scope, startedAt: '2030-08-03T00:00:00Z' });
      await store.saveOrgFindings(prev, [finding('org.x', null, null, { status: 'FAIL' })]);
      await store.saveAccountResult(prev, {
        accountId: A1,
        status: 'ASSESSED',
        regions: REGIONS_OK,
        findings: [
          finding('c.x', A1, 'us-east-1', { status: 'FAIL' }),
          finding('cloudtrail.region_coverage', A1, 'us-east-1', { status: 'PASS' }),
        ],
      });
      await store.finishRun(prev, { status: 'COMPLETED', finishedAt: '2030-08-03T01:00:00Z' });
      const cur = await startRun(store, { scopeKey: scope, startedAt: '2030-08-04T00:00:00Z' });
      await store.finishRun(cur, { status: 'CANCELLED', finishedAt: '2030-08-04T00:01:00Z' });
      const drift = await store.drift(cur, prev);
      expect(drift.resolved).toEqual([]);
      expect(drift.changed).toEqual([]);
      // Coverage is a claim that needs evidence: coverage this run did not verify counts as lost.
      expect(drift.coverageLost).toEqual([{ accountId: A1, region: 'us-east-1' }]);
    });
  });

  describe('report', () => {
    it('validates against the schema and shows every inventory account with its status', async () => {
      const scope = uid('scope');
      const runId = await startRun(store, { scopeKey: scope, startedAt: '2030-09-01T00:00:00Z' });
      await store.saveInventory(runId, [
        inventory(MGMT, 0, { name: 'management', ouPath: '/Root' }),
        inventory(A1, 1, { name: 'prod' }),
        inventory(A2, 2, { name: 'locked' }),
        inventory(A3, 3, { name: 'old', inScope: false, excludedReason: 'account is SUSPENDED' }),
        inventory(A4, 4, { name: 'late' }),
      ]);
      await store.saveAccountResult(runId, {
        accountId: MGMT,
        status: 'ASSESSED',
        regions: REGIONS_OK,
        findings: [finding('cloudtrail.region_coverage', MGMT, 'us-east-1')],
      });
      await store.saveAccountResult(runId, {
        accountId: A1,
        status: 'ASSESSED',
        regions: [
          {
            region: 'eu-west-1',
            status: 'ERROR',
            error: { code: 'ThrottlingException', message: 'retries exhausted' },
          },
          { region: 'us-east-1', status: 'ASSESSED' },
        ],
        findings: [
          finding('c.waived', A1, 'us-east-1', {
            status: 'WAIVED',
            waiver: { reason: 'migration', expires: '2031-01-01' },
          }),
          finding('c.fail', A1, 'us-east-1', { status: 'FAIL', severity: 'high' }),
        ],
      });
      await store.saveAccountResult(runId, {
        accountId: A2,
        status: 'NOT_ASSESSED',
        error: { code: 'AccessDenied', message: 'cannot assume the audit role' },
        regions: [],
        findings: [finding('org.account_assessed', A2, null, { status: 'FAIL', severity: 'high' })],
      });
      await store.saveOrgFindings(runId, [finding('org.trail', null, null), finding('c.fail', null, null)]);
      const expiredWaivers = [{ check: 'c.old', reason: 'legacy', expires: '2029-12-31', accounts: [A1] }];
      await store.setExpiredWaivers(runId, expiredWaivers);
      await store.finishRun(runId, { status: 'CANCELLED', finishedAt: '2030-09-01T01:00:00Z' });

      const report = await store.buildReport(runId);
      expect(() => reportSchema.parse(report)).not.toThrow();
      expect(report).toMatchObject({
        schemaVersion: 1,
        runId,
        status: 'CANCELLED',
        startedAt: '2030-09-01T00:00:00.000Z',
        finishedAt: '2030-09-01T01:00:00.000Z',
        organization: { id: 'o-example', managementAccountId: MGMT },
        scope: { regions: ['eu-west-1', 'us-east-1'], accountCount: 4 },
        drift: null,
        expiredWaivers,
      });
      expect(report.accounts).toEqual([
        { accountId: MGMT, name: 'management', ouPath: '/Root', status: 'ASSESSED', regions: REGIONS_OK },
        {
          accountId: A1,
          name: 'prod',
          ouPath: '/Root/Workloads',
          status: 'ASSESSED',
          regions: [
            {
              region: 'eu-west-1',
              status: 'ERROR',
              error: { code: 'ThrottlingException', message: 'retries exhausted' },
            },
            { region: 'us-east-1', status: 'ASSESSED' },
          ],
        },
        {
          accountId: A2,
          name: 'locked',
          ouPath: '/Root/Workloads',
          status: 'NOT_ASSESSED',
          error: { code: 'AccessDenied', message: 'cannot assume the audit role' },
          regions: [],
        },
        {
          accountId: A3,
          name: 'old',
          ouPath: '/Root/Workloads',
          status: 'EXCLUDED',
          error: { code: 'Excluded', message: 'account is SUSPENDED' },
          regions: [],
        },
        {
          accountId: A4,
          name: 'late',
          ouPath: '/Root/Workloads',
          status: 'NOT_ASSESSED',
          error: { code: 'NotReached', message: expect.any(String) },
          regions: [],
        },
      ]);
      // Findings in key order ('' for a missing account sorts first); the waiver survives the round trip.
      expect(report.findings.map((f) => `${f.checkId}|${f.accountId ?? ''}`)).toEqual([
        'c.fail|',
        `c.fail|${A1}`,
        `c.waived|${A1}`,
        `cloudtrail.region_coverage|${MGMT}`,
        `org.account_assessed|${A2}`,
        'org.trail|',
      ]);
      expect(report.findings[2]?.waiver).toEqual({ reason: 'migration', expires: '2031-01-01' });
      expect(report.findings[1]).toEqual(
        finding('c.fail', A1, 'us-east-1', { status: 'FAIL', severity: 'high' }),
      );
      expect(report.findings[0]).toEqual(finding('c.fail', null, null));
      expect('waiver' in report.findings[0]!).toBe(false);
      expect(report.summary).toEqual(await store.summary(runId));
      // MGMT's two regions and A1's two (ERROR counts as audited); only MGMT us-east-1 has a coverage PASS.
      expect(report.summary.coverage).toEqual({ accountRegions: 4, covered: 1, ratio: 0.25 });

      // The next run of the scope drifts against this one only once it is COMPLETED: still null here.
      const next = await startRun(store, { scopeKey: scope, startedAt: '2030-09-02T00:00:00Z' });
      expect((await store.buildReport(next)).drift).toBeNull();
    });

    it('refuses to report a run whose organization was never recorded', async () => {
      const runId = uid('run');
      await store.createRun({ runId, scopeKey: 's', startedAt: '2030-09-03T00:00:00Z', settings: {} });
      await expect(store.buildReport(runId)).rejects.toBeInstanceOf(IncompleteRunError);
    });
  });
});

describe('opening stores', () => {
  it('openMemoryStore gives a fresh, migrated store each time', async () => {
    const a = await openMemoryStore();
    const b = await openMemoryStore();
    try {
      await a.createRun({
        runId: 'only-in-a',
        scopeKey: 's',
        startedAt: '2030-01-01T00:00:00Z',
        settings: {},
      });
      expect((await a.listRuns()).map((r) => r.runId)).toEqual(['only-in-a']);
      expect(await b.listRuns()).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('openStore puts PGlite under <dataDir>/store, creating the directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tw-store-'));
    try {
      const store = await openStore({ dataDir: join(dir, 'nested', '.trailwarden') });
      await store.close();
      expect((await stat(join(dir, 'nested', '.trailwarden', 'store'))).isDirectory()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('openStore rejects a URL that is not PostgreSQL', async () => {
    await expect(openStore({ url: 'mysql://localhost/db' })).rejects.toThrow(/postgres:\/\//);
  });

  it('two processes opening one new PostgreSQL database at once both migrate safely', async () => {
    const database = await createTestDatabase('tw_store_race');
    const dbs = Array.from({ length: 4 }, () => openPgDb(database.url));
    try {
      const applied = await Promise.all(dbs.map((d) => migrate(d)));
      // Exactly one opener applied the migrations; the others waited on the lock and found them done.
      expect(applied.filter((a) => a.length > 0)).toEqual([MIGRATIONS.map((m) => m.id)]);
      const stores = await Promise.all([openStore({ url: database.url }), openStore({ url: database.url })]);
      await stores[0].createRun({
        runId: 'r',
        scopeKey: 's',
        startedAt: '2030-01-01T00:00:00Z',
        settings: {},
      });
      expect((await stores[1].getRun('r'))?.status).toBe('RUNNING');
      await Promise.all(stores.map((s) => s.close()));
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const rows = await client.query('SELECT count(*)::int AS n FROM schema_migrations');
        expect(rows.rows[0].n).toBe(MIGRATIONS.length);
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
      await database.drop();
    }
  });
});
