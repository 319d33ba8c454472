import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../report/model.js';
import { openStore } from '../../store/index.js';
import type { Store } from '../../store/types.js';
import { auditRun, progressQuery } from '../../workflows/audit.js';
import { e2eScenario, REGIONS } from '../fixtures/e2e-scenario.js';
import { runAudit, testSettings } from '../harness/audit.js';
import { cliEnv, requireBuiltCli, startCliWorker } from '../harness/cli.js';
import {
  createTestDatabase,
  type DevServer,
  type Emulator,
  startDevServer,
  startEmulator,
  type TestDatabase,
} from '../harness/index.js';

// Durable runs: a worker killed mid-run, and the Temporal server restarted on its database file, must
// both end with the same findings as an uninterrupted run: nothing lost, nothing twice. Workers here
// are real `trailwarden worker` processes sharing one PostgreSQL store, as in a team deployment.

const settings = testSettings(REGIONS, (s) => {
  s.scope.excludeOus = ['/Sandbox'];
  s.audit.maxConcurrentAccounts = 3;
});
const TASK_QUEUE = 'durability';

let emu: Emulator;
let server: DevServer;
let db: TestDatabase;
let store: Store;
let dir: string;
let configFile: string;
let reference: Map<string, string>;
const workers: ChildProcess[] = [];

function verdicts(report: Report): Map<string, string> {
  return new Map(
    report.findings.map((f) => [
      `${f.checkId}|${f.accountId}|${f.region}|${f.resourceArn}`,
      `${f.status}/${f.severity}`,
    ]),
  );
}

async function worker(): Promise<ChildProcess> {
  const env = cliEnv({ awsEndpoint: emu.endpoint, temporalAddress: server.address, storeUrl: db.url });
  const { child } = await startCliWorker(['--config', configFile], env);
  workers.push(child);
  return child;
}

/** Polls the run's progress query (there is no event to wait on) until enough accounts are done. */
async function untilAccountsDone(handle: WorkflowHandle<typeof auditRun>, n: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const p = await handle.query(progressQuery).catch(() => undefined);
    if (p && p.accountsDone >= n) return p.accountsDone;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`fewer than ${n} accounts done after 120 s`);
}

beforeAll(async () => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'tw-durability-'));
  configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, `temporal:\n  taskQueue: ${TASK_QUEUE}\nworker:\n  maxConcurrentActivities: 3\n`);
  [emu, server, db] = await Promise.all([
    startEmulator(e2eScenario),
    startDevServer({ dbFile: join(dir, 'temporal.db') }),
    createTestDatabase(),
  ]);
  store = await openStore({ url: db.url });
  const run = await runAudit({ server, emu, store, settings, runId: 'reference' });
  reference = verdicts(run.report);
  expect(reference.size).toBeGreaterThan(150);
});

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await store?.close();
  await Promise.all([emu?.stop(), server?.stop()]);
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('durability', () => {
  it('finishes with the same findings after the worker is killed mid-run', async () => {
    const slow = emu.proxy.addFault({ kind: 'latency', latencyMs: 150 });
    try {
      const first = await worker();
      const handle = await server.client.workflow.start(auditRun, {
        taskQueue: TASK_QUEUE,
        workflowId: 'killed-worker',
        args: [{ settings, heartbeatTimeout: '5 seconds' }],
      });
      const doneAtKill = await untilAccountsDone(handle, 2);
      first.kill('SIGKILL');
      await once(first, 'exit');
      expect(doneAtKill).toBeLessThan(10);
      await worker();
      const result = await handle.result();
      expect(result.accounts).toMatchObject({ total: 10, assessed: 9, notAssessed: 1 });
      const report = await store.buildReport(handle.workflowId);
      expect(verdicts(report)).toEqual(reference);
      // One verdict per account: a retried activity replaced its rows instead of adding to them.
      expect(report.findings.filter((f) => f.checkId === 'org.account_assessed')).toHaveLength(10);
    } finally {
      slow();
    }
  });

  it('finishes with the same findings after the Temporal server restarts on its database file', async () => {
    const slow = emu.proxy.addFault({ kind: 'latency', latencyMs: 150 });
    try {
      await worker();
      const handle = await server.client.workflow.start(auditRun, {
        taskQueue: TASK_QUEUE,
        workflowId: 'server-restart',
        args: [{ settings, heartbeatTimeout: '10 seconds' }],
      });
      await untilAccountsDone(handle, 2);
      const port = server.port;
      await server.stop();
      server = await startDevServer({ dbFile: join(dir, 'temporal.db'), port });
      const result = await server.client.workflow.getHandle(handle.workflowId).result();
      expect(result.status).toBe('COMPLETED');
      const report = await store.buildReport(handle.workflowId);
      expect(verdicts(report)).toEqual(reference);
    } finally {
      slow();
    }
  });

  it('stops a worker gracefully on SIGTERM', async () => {
    const w = await worker();
    w.kill('SIGTERM');
    const [code] = await once(w, 'exit');
    expect(code).toBe(0);
  });
});
