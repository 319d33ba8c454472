import type { Worker } from '@temporalio/worker';
import type { AlertSender } from '../../activities/alerts.js';
import { type AuditSettings, auditSettingsOf } from '../../activities/types.js';
import { AwsEnvironment } from '../../aws/clients.js';
import { catalog } from '../../checks/registry.js';
import { defaultConfig } from '../../config/load.js';
import { EMULATOR_CREDENTIALS, type Emulator } from '../../emulator/index.js';
import type { DevServer } from '../../lib/dev-server.js';
import type { Report } from '../../report/model.js';
import { openMemoryStore } from '../../store/index.js';
import type { Store } from '../../store/types.js';
import { createAuditWorker } from '../../worker/index.js';
import { type AuditProgress, type AuditRunResult, auditRun, progressQuery } from '../../workflows/audit.js';

/** Audit settings for tests: defaults, the scenario's regions, plus overrides. */
export function testSettings(regions: string[], patch: (s: AuditSettings) => void = () => {}): AuditSettings {
  const s = auditSettingsOf(defaultConfig(catalog.ids()));
  s.scope.regions = regions;
  patch(s);
  return s;
}

/** A worker wired to the emulator and a store, as the CLI wires one to real AWS. */
export interface TestWorker {
  worker: Worker;
  running: Promise<void>;
  aws: AwsEnvironment;
  stop(): Promise<void>;
}

export async function startTestWorker(opts: {
  server: DevServer;
  emu: Emulator;
  store: Store;
  taskQueue: string;
  alerts?: AlertSender;
  maxInFlight?: number;
  maxConcurrentActivities?: number;
}): Promise<TestWorker> {
  const aws = new AwsEnvironment({
    maxInFlightCalls: opts.maxInFlight ?? 64,
    homeRegion: 'us-east-1',
    endpoint: opts.emu.endpoint,
    credentials: async () => EMULATOR_CREDENTIALS,
  });
  const worker = await createAuditWorker({
    connection: opts.server.nativeConnection,
    taskQueue: opts.taskQueue,
    store: opts.store,
    aws,
    ...(opts.alerts ? { alerts: opts.alerts } : {}),
    maxConcurrentActivities: opts.maxConcurrentActivities ?? 50,
  });
  const running = worker.run();
  return {
    worker,
    running,
    aws,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      aws.close();
    },
  };
}

/** Runs one audit to completion on a fresh worker and returns the workflow result and the stored report. */
export async function runAudit(opts: {
  server: DevServer;
  emu: Emulator;
  store?: Store;
  settings: AuditSettings;
  runId?: string;
  taskQueue?: string;
}): Promise<{ result: AuditRunResult; report: Report; store: Store; progress: AuditProgress }> {
  const store = opts.store ?? (await openMemoryStore());
  const taskQueue = opts.taskQueue ?? `audit-${Math.random().toString(16).slice(2)}`;
  const w = await startTestWorker({ server: opts.server, emu: opts.emu, store, taskQueue });
  try {
    const result = await opts.server.client.workflow.execute(auditRun, {
      taskQueue,
      workflowId: opts.runId ?? `audit-test-${Math.random().toString(16).slice(2)}`,
      args: [{ settings: opts.settings }],
    });
    // Queries replay the workflow on a worker: ask while this one still runs.
    const progress = await opts.server.client.workflow.getHandle(result.runId).query(progressQuery);
    return { result, report: await store.buildReport(result.runId), store, progress };
  } finally {
    await w.stop();
  }
}
