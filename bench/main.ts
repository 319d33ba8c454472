import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { temporal } from '@temporalio/proto';
import pg from 'pg';
import { type AuditSettings, auditSettingsOf } from '../activities/types.js';
import { catalog } from '../checks/registry.js';
import { defaultConfig } from '../config/load.js';
import { startDevServer } from '../lib/dev-server.js';
import { openStore } from '../store/index.js';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../worker/runtime.js';
import { auditRun } from '../workflows/audit.js';
import type { EndpointStats } from './endpoint.js';
import { BENCH_REGIONS } from './synthetic.js';

/**
 * `npm run bench -- [--accounts N] [--regions R] [--latency-ms L] [--in-flight C] [--throttle-rate P]
 * [--json FILE]`: a full audit of a synthetic organization through Temporal (embedded dev server), with
 * the worker and the AWS stand-in each in its own process, measured against the latency floor.
 */

const HELP = `usage: npm run bench -- [options]
  --accounts N            synthetic accounts (default 1000)
  --regions R             regions per account, 1-${BENCH_REGIONS.length} (default 17)
  --latency-ms L          latency of every AWS answer (default 100)
  --in-flight C           cap on the worker's AWS calls in flight (default 400)
  --throttle-rate P       fraction of calls answered with throttling (default 0)
  --max-accounts W        account activities in flight (default: enough to keep C calls busy)
  --workers K             worker processes sharing the task queue and the in-flight cap (default 1;
                          more than one needs --store pg)
  --store pg|pglite       findings store: a fresh PostgreSQL database (default) or embedded PGlite
  --pg-url URL            PostgreSQL server for --store pg (default postgres://postgres@127.0.0.1:5432/postgres)
  --json FILE             also write the results as JSON
  --profile DIR           write a V8 CPU profile of the worker into DIR

The worker runs with the settings recommended for workers (worker/runtime.ts): MALLOC_ARENA_MAX=2 and
${WORKER_NODE_FLAGS.join(' ')}. BENCH_WORKER_FLAGS="..." replaces the Node flags ("" for none),
MALLOC_ARENA_MAX in the environment replaces that one.`;

export interface BenchResult {
  accounts: number;
  regions: number;
  calls: number;
  callsPerAccountRegion: number;
  inFlightCap: number;
  latencyMs: number;
  throttleRate: number;
  wallSeconds: number;
  floorSeconds: number;
  efficiency: number;
  workerCpuSeconds: number;
  cpuMicrosPerCall: number;
  temporalActionsPerAccount: number;
  historyEventsPerAccount: number;
  peakRssMb: number;
  /** CPU time of the synthetic endpoint's process (it shares the machine with the workers). */
  endpointCpuSeconds: number;
  /**
   * Fraction of the machine's CPU time (all cores) that was busy during the audit, whoever used it:
   * near 1 means the machine, not the latency, bounds the wall time.
   */
  machineCpuBusy: number;
  /** Largest JavaScript heap in use seen (sampled every 500 ms; garbage not yet collected included). */
  peakHeapUsedMb: number;
  /** How the worker process ran: its Node flags and MALLOC_ARENA_MAX (see worker/runtime.ts). */
  workerRuntime: { nodeFlags: string[]; mallocArenaMax: string };
  findings: number;
  findingsByStatus: Record<'PASS' | 'FAIL' | 'WAIVED' | 'ERROR', number>;
  peakInFlight: number;
  throttled: number;
  maxConcurrentAccounts: number;
  workers: number;
  store: string;
  continuedAsNew: number;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string };
}

/** Bad command-line input: reported in one line, without a stack, before anything starts. */
class UsageError extends Error {}

function number(v: string | undefined, def: number, name: string): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name}: expected a number, got "${v}"`);
  return n;
}

function child(
  script: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
  execArgv: string[] = [],
): ChildProcess {
  return fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    env: env ?? process.env,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function request<T>(c: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: { type?: string; stats?: T }) => {
      if (msg.type === type) {
        c.off('message', on);
        resolve(msg.stats as T);
      }
    };
    c.on('message', on);
    c.send({ type });
  });
}

/**
 * Temporal Cloud-style actions from the run's histories: executions started (including continue-as-new
 * and the alert child), activities scheduled and retried, timers, child workflows, markers. Heartbeats
 * cannot be seen in history; each account activity sends about one (the SDK throttles them), added as
 * one per account.
 */
function actionsOf(events: temporal.api.history.v1.IHistoryEvent[]): number {
  let n = 0;
  for (const e of events) {
    if (e.workflowExecutionStartedEventAttributes) n++;
    if (e.activityTaskScheduledEventAttributes) n++;
    if (e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1) {
      n += (e.activityTaskStartedEventAttributes.attempt ?? 1) - 1;
    }
    if (e.timerStartedEventAttributes) n++;
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) n++;
    if (e.markerRecordedEventAttributes) n++;
    if (e.upsertWorkflowSearchAttributesEventAttributes) n++;
  }
  return n;
}

const OPTIONS = {
  accounts: { type: 'string' },
  regions: { type: 'string' },
  'latency-ms': { type: 'string' },
  'in-flight': { type: 'string' },
  'throttle-rate': { type: 'string' },
  'max-accounts': { type: 'string' },
  workers: { type: 'string' },
  store: { type: 'string' },
  'pg-url': { type: 'string' },
  json: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean' },
} as const;

function parseOptions() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    // Unknown options and missing values: node's message names the option.
    throw new UsageError(`${(err as Error).message}\n${HELP}`);
  }
}

async function main(): Promise<void> {
  const values = parseOptions();
  if (values.help) {
    console.log(HELP);
    return;
  }
  const accounts = number(values.accounts, 1000, 'accounts');
  const regions = number(values.regions, 17, 'regions');
  const latencyMs = number(values['latency-ms'], 100, 'latency-ms');
  const inFlight = number(values['in-flight'], 400, 'in-flight');
  const throttleRate = number(values['throttle-rate'], 0, 'throttle-rate');
  if (regions < 1 || regions > BENCH_REGIONS.length)
    throw new UsageError(`--regions: expected 1 to ${BENCH_REGIONS.length}, got "${values.regions}"`);
  const callsPerAccount = 8;
  const maxAccounts = number(
    values['max-accounts'],
    Math.min(1000, Math.ceil(inFlight / callsPerAccount) * 2),
    'max-accounts',
  );
  const storeKind = values.store ?? 'pg';
  if (storeKind !== 'pg' && storeKind !== 'pglite')
    throw new UsageError(`--store: expected pg or pglite, got "${storeKind}"`);
  const workerCount = number(values.workers, 1, 'workers');
  if (!Number.isInteger(workerCount) || workerCount < 1)
    throw new UsageError(`--workers: expected a whole number of at least 1, got "${values.workers}"`);
  // PGlite is embedded in one process: worker processes cannot share it.
  if (workerCount > 1 && storeKind === 'pglite')
    throw new UsageError(
      '--workers: several worker processes need --store pg (PGlite lives inside one process)',
    );
  const regionList = BENCH_REGIONS.slice(0, regions);

  process.stderr.write(
    `bench: ${accounts} accounts × ${regions} regions, ${latencyMs} ms latency, ${inFlight} in flight\n`,
  );
  const endpoint = child('./endpoint-main.js', [
    JSON.stringify({ accounts, regions, latencyMs, throttleRate }),
  ]);
  const [ready] = (await once(endpoint, 'message')) as [{ port: number }];
  const server = await startDevServer();

  let storeUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  if (storeKind === 'pg') {
    const admin = values['pg-url'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `tw_bench_${process.pid}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    storeUrl = u.toString();
    dropDb = async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    };
  }
  const dataDir = storeKind === 'pglite' ? `/tmp/tw-bench-${process.pid}` : undefined;

  // The worker runs as the README recommends for workers (worker/runtime.ts) unless told otherwise.
  const workerFlags = process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean) ?? [...WORKER_NODE_FLAGS];
  const mallocArenaMax = process.env.MALLOC_ARENA_MAX ?? WORKER_ENV.MALLOC_ARENA_MAX;

  const taskQueue = 'bench';
  // Several worker processes share the task queue as a fleet would; the in-flight cap is split so the
  // fleet as a whole never has more than C calls in flight.
  const workers = Array.from({ length: workerCount }, (_, i) =>
    child(
      './worker-main.js',
      [
        JSON.stringify({
          temporalAddress: server.address,
          taskQueue,
          ...(storeUrl ? { storeUrl } : { dataDir }),
          maxInFlight: Math.floor(inFlight / workerCount) + (i < inFlight % workerCount ? 1 : 0),
          maxConcurrentActivities: Math.ceil(maxAccounts / workerCount),
        }),
      ],
      {
        ...process.env,
        AWS_ENDPOINT_URL: `http://127.0.0.1:${ready.port}`,
        AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000000',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        MALLOC_ARENA_MAX: mallocArenaMax,
      },
      [...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []), ...workerFlags],
    ),
  );
  await Promise.all(workers.map((w) => once(w, 'message')));

  const settings: AuditSettings = auditSettingsOf(defaultConfig(catalog.ids()));
  settings.scope.regions = regionList;
  settings.audit.maxConcurrentAccounts = maxAccounts;
  settings.audit.maxConcurrentCallsPerAccount = callsPerAccount;
  const runId = `bench-${Date.now()}`;
  const cpuAtStart = machineCpuTimes();
  const t0 = performance.now();
  const result = await server.client.workflow.execute(auditRun, {
    taskQueue,
    workflowId: runId,
    args: [{ settings }],
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuAtEnd = machineCpuTimes();
  const machineCpuBusy =
    (cpuAtEnd.busy - cpuAtStart.busy) / (cpuAtEnd.busy + cpuAtEnd.idle - cpuAtStart.busy - cpuAtStart.idle);

  type WorkerStats = {
    cpuSeconds: number;
    awsCalls: number;
    peakInFlight: number;
    peakRssMb: number;
    peakHeapUsedMb: number;
  };
  const [endpointStats, ...perWorker] = await Promise.all([
    request<EndpointStats & { cpuSeconds: number }>(endpoint, 'stats'),
    ...workers.map((w) => request<WorkerStats>(w, 'stats')),
  ]);
  const fleet = perWorker as WorkerStats[];
  const workerStats = {
    cpuSeconds: fleet.reduce((n, w) => n + w.cpuSeconds, 0),
    peakInFlight: fleet.reduce((n, w) => n + w.peakInFlight, 0),
    peakRssMb: Math.max(...fleet.map((w) => w.peakRssMb)),
    peakHeapUsedMb: Math.max(...fleet.map((w) => w.peakHeapUsedMb)),
  };
  let actions = 0;
  let events = 0;
  for await (const wf of server.client.workflow.list({
    query: `WorkflowId = "${runId}" OR WorkflowId = "${runId}-alerts"`,
  })) {
    const h = await server.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    actions += actionsOf(h.events ?? []);
    events += h.events?.length ?? 0;
  }
  const totalAccounts = accounts + 1;
  actions += totalAccounts;

  const calls = endpointStats.calls;
  const floorSeconds = (calls * latencyMs) / 1000 / inFlight;
  const findings =
    result.findings.PASS + result.findings.FAIL + result.findings.WAIVED + result.findings.ERROR;
  const out: BenchResult = {
    accounts: totalAccounts,
    regions,
    calls,
    callsPerAccountRegion: round(calls / (totalAccounts * regions), 2),
    inFlightCap: inFlight,
    latencyMs,
    throttleRate,
    wallSeconds: round(wallSeconds, 1),
    floorSeconds: round(floorSeconds, 1),
    efficiency: round(floorSeconds / wallSeconds, 3),
    workerCpuSeconds: round(workerStats.cpuSeconds, 1),
    cpuMicrosPerCall: round((workerStats.cpuSeconds * 1e6) / calls, 0),
    temporalActionsPerAccount: round(actions / totalAccounts, 2),
    historyEventsPerAccount: round(events / totalAccounts, 2),
    peakRssMb: round(workerStats.peakRssMb, 0),
    endpointCpuSeconds: round(endpointStats.cpuSeconds, 1),
    machineCpuBusy: round(machineCpuBusy, 2),
    peakHeapUsedMb: round(workerStats.peakHeapUsedMb, 0),
    workerRuntime: { nodeFlags: workerFlags, mallocArenaMax },
    findings,
    findingsByStatus: result.findings,
    peakInFlight: workerStats.peakInFlight,
    throttled: endpointStats.throttled,
    maxConcurrentAccounts: maxAccounts,
    workers: workerCount,
    store: storeKind,
    continuedAsNew: result.continuedAsNew,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 2 ** 30, 0),
      node: process.version,
    },
  };

  for (const w of workers) w.send({ type: 'stop' });
  await Promise.all(workers.map((w) => once(w, 'exit')));
  endpoint.send({ type: 'stop' });
  await once(endpoint, 'exit');
  await server.stop();
  if (storeUrl) {
    // The findings are real: count them in the store too, then drop the database.
    const store = await openStore({ url: storeUrl });
    const summary = await store.summary(runId);
    await store.close();
    if (
      summary.byStatus.PASS + summary.byStatus.FAIL + summary.byStatus.WAIVED + summary.byStatus.ERROR !==
      findings
    ) {
      throw new Error('the store holds a different number of findings than the run reported');
    }
  }
  await dropDb?.();

  const rows: [string, string][] = [
    ['accounts × regions', `${out.accounts} × ${out.regions}`],
    [
      'AWS calls',
      `${out.calls} (${out.callsPerAccountRegion} per account-region, ${out.throttled} throttled)`,
    ],
    ['in-flight cap / peak', `${out.inFlightCap} / ${out.peakInFlight}`],
    ['latency', `${out.latencyMs} ms`],
    ['wall time', `${out.wallSeconds} s`],
    ['latency floor', `${out.floorSeconds} s`],
    ['efficiency', `${out.efficiency}`],
    ['worker CPU', `${out.workerCpuSeconds} s (${out.cpuMicrosPerCall} µs per call)`],
    [
      'machine CPU busy',
      `${Math.round(out.machineCpuBusy * 100)}% of ${out.machine.cpus} cores during the audit (endpoint ${out.endpointCpuSeconds} s)`,
    ],
    [
      'Temporal actions / account',
      `${out.temporalActionsPerAccount} (history events / account ${out.historyEventsPerAccount})`,
    ],
    [
      'worker peak RSS',
      `${out.peakRssMb} MB${workerCount > 1 ? ` (largest of ${workerCount} workers)` : ''}, JS heap at most ${out.peakHeapUsedMb} MB`,
    ],
    ['worker runtime', `MALLOC_ARENA_MAX=${mallocArenaMax} node ${workerFlags.join(' ')}`.trimEnd()],
    [
      'findings',
      `${out.findings} (${Object.entries(out.findingsByStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    ],
    ['continue-as-new', `${out.continuedAsNew}`],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(28)} ${v}`);
  if (values.json) await writeFile(values.json, `${JSON.stringify(out, null, 2)}\n`);
}

/** CPU time of all cores so far, busy and idle, in ms. */
function machineCpuTimes(): { busy: number; idle: number } {
  let busy = 0;
  let idle = 0;
  for (const { times } of cpus()) {
    busy += times.user + times.nice + times.sys + times.irq;
    idle += times.idle;
  }
  return { busy, idle };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const message = err instanceof UsageError ? err.message : ((err as Error).stack ?? String(err));
    process.stderr.write(`bench: ${message}\n`);
    process.exit(1);
  },
);
