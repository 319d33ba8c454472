import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../emulator/index.js';
import type { Report } from '../../report/model.js';
import { openMemoryStore } from '../../store/index.js';
import type { Store } from '../../store/types.js';
import { type AuditProgress, auditRun, progressQuery } from '../../workflows/audit.js';
import {
  ACCOUNT_CHECKS,
  EXPECTED,
  EXPECTED_ORG,
  e2eScenario,
  REGION_CHECKS,
  REGIONS,
  TRAIL_CHECKS,
} from '../fixtures/e2e-scenario.js';
import { runAudit, startTestWorker, testSettings } from '../harness/audit.js';
import { type DevServer, type Emulator, startDevServer, startEmulator } from '../harness/index.js';

const LETTER: Record<string, string> = { PASS: 'P', FAIL: 'F', ERROR: 'E', WAIVED: 'W' };

let emu: Emulator;
let server: DevServer;
const settings = testSettings(REGIONS, (s) => {
  s.scope.excludeOus = ['/Sandbox'];
});

beforeAll(async () => {
  [emu, server] = await Promise.all([startEmulator(e2eScenario), startDevServer()]);
});
afterAll(async () => {
  await Promise.all([emu?.stop(), server?.stop()]);
});

function keyOfAccount(id: string | null): string {
  if (id === null) return 'org';
  return Object.entries(emu.org.accounts).find(([, a]) => a.id === id)?.[0] ?? `unknown:${id}`;
}

/** Expected verdicts as "check|account|region|trail" → P/F/E. */
function expectedVerdicts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, e] of Object.entries(EXPECTED)) {
    if (e.excluded) continue;
    out.set(`org.account_assessed|${key}||`, e.notAssessed ? 'F' : 'P');
    if (e.notAssessed) continue;
    for (const check of REGION_CHECKS) {
      const letters = (e.regions?.[check] ?? '').split(' ');
      REGIONS.forEach((r, i) => {
        if (letters[i] && letters[i] !== '-') out.set(`${check}|${key}|${r}|`, letters[i]!);
      });
    }
    for (const check of ACCOUNT_CHECKS) out.set(`${check}|${key}||`, e.account?.[check] ?? '?');
    for (const [trail, statuses] of Object.entries(e.trails ?? {})) {
      const home = e2eScenario.ous
        ?.flatMap((o) => [...(o.accounts ?? []), ...(o.ous ?? []).flatMap((c) => c.accounts ?? [])])
        .concat(e2eScenario.accounts ?? [])
        .find((a) => a.key === key)
        ?.trails?.find((t) => t.name === trail)?.homeRegion;
      statuses.split(' ').forEach((s, i) => {
        if (s !== '-') out.set(`${TRAIL_CHECKS[i]}|${key}|${home}|${trail}`, s);
      });
    }
    for (const [region, s] of Object.entries(e.correlation ?? {}))
      out.set(`config.correlation|${key}|${region}|`, s);
  }
  out.set('cloudtrail.org_trail|org||', EXPECTED_ORG['cloudtrail.org_trail']);
  out.set('config.org_aggregator|org||', EXPECTED_ORG['config.org_aggregator']);
  for (const [trail, statuses] of Object.entries(EXPECTED_ORG.orgTrail)) {
    statuses.split(' ').forEach((s, i) => {
      if (s !== '-') out.set(`${TRAIL_CHECKS[i]}|management|us-east-1|${trail}`, s);
    });
  }
  return out;
}

function actualVerdicts(report: Report): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of report.findings) {
    const trail = f.resourceArn?.includes(':trail/') ? f.resourceArn.split('/').pop() : '';
    const key = `${f.checkId}|${keyOfAccount(f.accountId)}|${f.region ?? ''}|${trail}`;
    expect(out.has(key), `duplicate finding ${key}`).toBe(false);
    out.set(key, LETTER[f.status] ?? f.status);
  }
  return out;
}

describe('an audit of the end-to-end organization', () => {
  let report: Report;
  let runId: string;
  let progress: AuditProgress;
  let store: Store;

  beforeAll(async () => {
    emu.proxy.clearCalls();
    const run = await runAudit({ server, emu, settings });
    report = run.report;
    runId = run.result.runId;
    progress = run.progress;
    store = run.store;
    expect(run.result.status).toBe('COMPLETED');
  });

  it('reaches every expected verdict, and no other', () => {
    const expected = expectedVerdicts();
    const actual = actualVerdicts(report);
    const diff = [...new Set([...expected.keys(), ...actual.keys()])]
      .filter((k) => expected.get(k) !== actual.get(k))
      .map((k) => `${k}: expected ${expected.get(k) ?? 'none'}, got ${actual.get(k) ?? 'none'}`);
    expect(diff).toEqual([]);
    expect(report.findings).toHaveLength(expected.size);
  });

  it('reports account and region statuses: not assessed, excluded, disabled regions', () => {
    const byKey = Object.fromEntries(report.accounts.map((a) => [keyOfAccount(a.accountId), a]));
    expect(byKey.denied).toMatchObject({
      status: 'NOT_ASSESSED',
      error: { code: 'AccessDenied' },
      regions: [],
    });
    expect(byKey.excluded).toMatchObject({ status: 'EXCLUDED' });
    expect(byKey.optin?.regions).toEqual([
      { region: 'eu-west-1', status: 'ASSESSED' },
      { region: 'us-east-1', status: 'ASSESSED' },
      { region: 'us-west-2', status: 'DISABLED' },
    ]);
    expect(byKey.covered?.ouPath).toBe('/Root/Workloads/Prod');
    expect(report.accounts.filter((a) => a.status === 'ASSESSED')).toHaveLength(9);
    expect(report.scope).toEqual({ regions: REGIONS, accountCount: 10 });
  });

  it("records each account's tags from Organizations", async () => {
    const inventory = await store.inventoryPage(runId, 0, 100);
    const covered = inventory.find((a) => a.accountId === emu.org.accounts.covered!.id);
    expect(covered?.tags).toEqual({ team: 'payments', env: 'prod' });
    expect(inventory.find((a) => a.accountId === emu.org.accounts.bare!.id)?.tags).toEqual({});
  });

  it('links tamper evidence into the trail and recorder findings it explains', () => {
    const stopped = emu.org.accounts.stopped!.id;
    const logging = report.findings.find(
      (f) => f.checkId === 'cloudtrail.trail_logging' && f.accountId === stopped,
    );
    expect(logging?.evidence.tamperEvents).toEqual([
      expect.objectContaining({
        eventName: 'StopLogging',
        actorArn: 'arn:aws:iam::111122223333:user/mallory',
        sourceIp: '198.51.100.77',
        userAgent: 'aws-cli/2.15.30',
        time: expect.any(String),
      }),
    ]);
    const writeOnly = emu.org.accounts['write-only']!.id;
    const recorder = report.findings.find(
      (f) => f.checkId === 'config.recorder_enabled' && f.accountId === writeOnly && f.region === 'us-east-1',
    );
    expect(recorder?.evidence.tamperEvents).toEqual([
      expect.objectContaining({ eventName: 'StopConfigurationRecorder' }),
    ]);
  });

  it('carries both sides of a Config disagreement', () => {
    const stopped = emu.org.accounts.stopped!.id;
    const c = report.findings.find((f) => f.checkId === 'config.correlation' && f.accountId === stopped);
    expect(c?.resourceArn).toMatch(/^arn:aws:config:eu-west-1:\d{12}:config-rule\//);
    expect(c?.evidence).toMatchObject({
      rule: 'cloud-trail-enabled',
      identifier: 'CLOUD_TRAIL_ENABLED',
      comparisons: [
        {
          config: { compliance: 'COMPLIANT', evaluatedAt: expect.any(String) },
          direct: { checkId: 'cloudtrail.region_coverage', status: 'FAIL' },
          agree: false,
        },
      ],
    });
  });

  it('calls only read-only APIs with the audit credentials', () => {
    const ops = new Set(emu.proxy.calls().map((c) => `${c.service}:${c.operation}`));
    const writes = [...ops].filter(
      (op) =>
        !/^[a-z0-9-]+:(Describe|Get|List|Lookup)/.test(op) &&
        op !== 'sts:AssumeRole' &&
        op !== 'sts:GetCallerIdentity',
    );
    expect(writes).toEqual([]);
    expect(ops.has('cloudtrail:LookupEvents')).toBe(true);
  });

  it('never puts credentials into any workflow history', async () => {
    const secrets = emu.proxy
      .issuedCredentials()
      .flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]);
    secrets.push(EMULATOR_CREDENTIALS.secretAccessKey, EMULATOR_CREDENTIALS.accessKeyId);
    expect(secrets.length).toBeGreaterThan(10);
    const histories: string[] = [];
    for await (const wf of server.client.workflow.list({ query: `WorkflowId STARTS_WITH "${runId}"` })) {
      const history = await server.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      histories.push(JSON.stringify(history));
    }
    expect(histories.length).toBeGreaterThanOrEqual(1);
    const leaks = secrets.filter((s) => s && histories.some((h) => h.includes(s)));
    expect(leaks).toEqual([]);
  });

  it('answers the progress query with the final tally', () => {
    expect(progress).toMatchObject({
      phase: 'completed',
      accountsTotal: 10,
      accountsDone: 10,
      accountsFailed: 1,
      regionsDone: 26,
    });
  });
});

describe('error policy', () => {
  it('makes exactly the accounts whose role cannot be assumed NOT_ASSESSED, and claims nothing about them', async () => {
    const victims = [emu.org.accounts.covered!.id, emu.org.accounts.stale!.id];
    const removers = victims.map((accountId) =>
      emu.proxy.addFault({ kind: 'accessDenied', service: 'sts', operation: 'AssumeRole', accountId }),
    );
    try {
      const { report } = await runAudit({ server, emu, settings });
      const notAssessed = report.accounts.filter((a) => a.status === 'NOT_ASSESSED').map((a) => a.accountId);
      expect(notAssessed.sort()).toEqual([...victims, emu.org.accounts.denied!.id].sort());
      for (const id of victims) {
        expect(
          report.findings.filter((f) => f.accountId === id).map((f) => `${f.checkId}:${f.status}`),
        ).toEqual(['org.account_assessed:FAIL']);
      }
    } finally {
      for (const r of removers) r();
    }
  });

  it('retries throttled CloudTrail calls: 30% throttling ends with nothing in ERROR', async () => {
    const remove = emu.proxy.addFault({ kind: 'throttle', service: 'cloudtrail', rate: 0.3 });
    emu.proxy.clearCalls();
    try {
      const { report } = await runAudit({ server, emu, settings });
      expect(emu.proxy.calls().filter((c) => c.fault === 'throttle').length).toBeGreaterThan(20);
      expect(report.findings.filter((f) => f.status === 'ERROR')).toEqual([]);
      expect(report.accounts.flatMap((a) => a.regions).filter((r) => r.status === 'ERROR')).toEqual([]);
      expect(new Map([...actualVerdicts(report)])).toEqual(expectedVerdicts());
    } finally {
      remove();
    }
  });

  it('reports a region denied by policy as ERROR and keeps the account and its other regions', async () => {
    const prod = emu.org.accounts.covered!.id;
    const remove = emu.proxy.addFault({ kind: 'accessDenied', accountId: prod, region: 'us-west-2' });
    try {
      const { report } = await runAudit({ server, emu, settings });
      const account = report.accounts.find((a) => a.accountId === prod);
      expect(account?.status).toBe('ASSESSED');
      expect(account?.regions.map((r) => `${r.region}:${r.status}`)).toEqual([
        'eu-west-1:ASSESSED',
        'us-east-1:ASSESSED',
        'us-west-2:ERROR',
      ]);
      const west = report.findings.filter((f) => f.accountId === prod && f.region === 'us-west-2');
      expect(west.length).toBeGreaterThan(0);
      expect(west.every((f) => f.status === 'ERROR')).toBe(true);
      expect(
        report.findings.filter(
          (f) => f.accountId === prod && f.region === 'eu-west-1' && f.status === 'ERROR',
        ),
      ).toEqual([]);
    } finally {
      remove();
    }
  });
});

describe('control', () => {
  it('cancels cleanly: the run is CANCELLED with what was done, the rest not reached', async () => {
    const store = await openMemoryStore();
    const taskQueue = `cancel-${Date.now()}`;
    const w = await startTestWorker({ server, emu, store, taskQueue });
    const remove = emu.proxy.addFault({ kind: 'latency', latencyMs: 150 });
    try {
      const handle = await server.client.workflow.start(auditRun, {
        taskQueue,
        workflowId: `cancel-${Date.now()}`,
        args: [{ settings: { ...settings, audit: { ...settings.audit, maxConcurrentAccounts: 2 } } }],
      });
      // Wait (on the workflow's own progress) until some accounts are done, then cancel.
      for (let i = 0; i < 600; i++) {
        const p = await handle.query(progressQuery).catch(() => undefined);
        if (p && p.accountsDone >= 2) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      const run = await store.getRun(handle.workflowId);
      expect(run?.status).toBe('CANCELLED');
      const report = await store.buildReport(handle.workflowId);
      const statuses = report.accounts.map((a) => a.status);
      expect(statuses.filter((s) => s === 'ASSESSED').length).toBeGreaterThanOrEqual(2);
      expect(report.accounts.filter((a) => a.error?.code === 'NotReached').length).toBeGreaterThan(0);
    } finally {
      remove();
      await w.stop();
      await store.close();
    }
  });
});
