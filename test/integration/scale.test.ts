import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioAccount } from '../../emulator/scenario.js';
import { openMemoryStore } from '../../store/index.js';
import { auditRun } from '../../workflows/audit.js';
import { runAudit, startTestWorker, testSettings } from '../harness/audit.js';
import { type DevServer, type Emulator, startDevServer, startEmulator } from '../harness/index.js';

// An organization of ~300 accounts on a Temporal server whose limits are lowered far below the real
// ones (20 pending activities per workflow, continue-as-new suggested after 300 history events): the
// run must stay inside them and still report every account exactly once.

const ACCOUNTS = 300;
const PENDING_LIMIT = 20;
const SUGGEST_CAN_AFTER = 300;

let emu: Emulator;
let server: DevServer;

beforeAll(async () => {
  const accounts = (ou: number): ScenarioAccount[] =>
    Array.from({ length: ACCOUNTS / 3 }, (_, i) => ({ key: `acct-${ou}-${i}` }));
  [emu, server] = await Promise.all([
    startEmulator(
      {
        regions: ['us-east-1'],
        management: { trails: [{ name: 'org-trail', homeRegion: 'us-east-1', organization: true }] },
        ous: [0, 1, 2].map((ou) => ({ name: `Unit${ou}`, accounts: accounts(ou) })),
      },
      { seedConcurrency: 16 },
    ),
    startDevServer({
      dynamicConfig: {
        'limit.numPendingActivities.error': PENDING_LIMIT,
        'limit.historyCount.suggestContinueAsNew': SUGGEST_CAN_AFTER,
      },
    }),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([emu?.stop(), server?.stop()]);
});

describe('an organization of 300 accounts on a server with lowered limits', () => {
  it('completes within the limits, continuing as new, and reports every account exactly once', async () => {
    const settings = testSettings(['us-east-1'], (s) => {
      s.audit.maxConcurrentAccounts = PENDING_LIMIT - 4;
      s.organization.includeTags = false;
    });
    const { result, report } = await runAudit({ server, emu, settings, runId: 'scale' });
    expect(result.status).toBe('COMPLETED');
    expect(result.continuedAsNew).toBeGreaterThanOrEqual(2);
    expect(result.accounts).toMatchObject({ total: ACCOUNTS + 1, assessed: ACCOUNTS + 1, notAssessed: 0 });

    const ids = report.accounts.map((a) => a.accountId);
    expect(new Set(ids).size).toBe(ACCOUNTS + 1);
    const assessed = report.findings.filter((f) => f.checkId === 'org.account_assessed');
    expect(assessed).toHaveLength(ACCOUNTS + 1);
    expect(new Set(assessed.map((f) => f.accountId)).size).toBe(ACCOUNTS + 1);
    // The organization trail covers every member once: one coverage verdict per account-region.
    const coverage = report.findings.filter((f) => f.checkId === 'cloudtrail.region_coverage');
    expect(coverage).toHaveLength(ACCOUNTS + 1);
    expect(coverage.every((f) => f.status === 'PASS')).toBe(true);

    // Every execution of the run kept a small history.
    let executions = 0;
    for await (const wf of server.client.workflow.list({ query: 'WorkflowId = "scale"' })) {
      executions++;
      const history = await server.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThan(SUGGEST_CAN_AFTER + 8 * PENDING_LIMIT);
    }
    expect(executions).toBe(result.continuedAsNew + 1);
  });

  it('is refused by the same server when its window exceeds the pending-activity limit (the limit is real)', async () => {
    const store = await openMemoryStore();
    const taskQueue = 'scale-too-wide';
    const w = await startTestWorker({ server, emu, store, taskQueue, maxConcurrentActivities: 60 });
    try {
      const settings = testSettings(['us-east-1'], (s) => {
        s.audit.maxConcurrentAccounts = PENDING_LIMIT + 20;
        s.organization.includeTags = false;
      });
      const handle = await server.client.workflow.start(auditRun, {
        taskQueue,
        workflowId: 'scale-too-wide',
        args: [{ settings }],
      });
      // The server fails the workflow task that would schedule the 21st activity.
      const deadline = Date.now() + 120_000;
      let failedTask = false;
      while (!failedTask && Date.now() < deadline) {
        const history = await handle.fetchHistory();
        failedTask = (history.events ?? []).some(
          (e) => e.workflowTaskFailedEventAttributes?.cause !== undefined,
        );
        if (!failedTask) await new Promise((r) => setTimeout(r, 500));
      }
      expect(failedTask).toBe(true);
      await handle.terminate('limit demonstrated');
    } finally {
      await w.stop();
      await store.close();
    }
  });
});
