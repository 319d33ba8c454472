import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../emulator/index.js';
import { openStore } from '../../store/index.js';
import type { Store } from '../../store/types.js';
import type { auditRun } from '../../workflows/audit.js';
import { type CliResult, cliEnv, requireBuiltCli, runNode, startCliWorker } from '../harness/cli.js';
import {
  createTestDatabase,
  type DevServer,
  type Emulator,
  startDevServer,
  startEmulator,
  type TestDatabase,
} from '../harness/index.js';

// `trailwarden schedule …` against a Temporal server that outlives each command. The embedded dev server
// lives only as long as the CLI process that started it, so a schedule created there could never fire
// while a test watches; instead this file starts a dev server, points every CLI process at it with
// TEMPORAL_ADDRESS, and runs the work on a real `trailwarden worker` process (stopped with SIGTERM at the
// end, which must drain and exit 0). Worker, CLI and test share one PostgreSQL store, as a team would.

const REGIONS = ['us-east-1'];
const TASK_QUEUE = 'schedule-test';

const scenario: Scenario = {
  regions: REGIONS,
  management: { trails: [{ name: 'org-trail', homeRegion: 'us-east-1', organization: true }] },
  accounts: [{ key: 'member' }],
};

let emu: Emulator;
let server: DevServer;
let db: TestDatabase;
let store: Store;
let dir: string;
let configFile: string;
let env: NodeJS.ProcessEnv;
let worker: { child: ChildProcess; output: () => string };

function cli(args: string[]): Promise<CliResult> {
  return runNode([requireBuiltCli(), '--data-dir', join(dir, 'data'), ...args], env);
}

async function describeSchedule(id: string): Promise<Record<string, unknown>> {
  const r = await cli(['schedule', 'describe', id, '--config', configFile]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tw-schedule-'));
  [emu, server, db] = await Promise.all([startEmulator(scenario), startDevServer(), createTestDatabase()]);
  store = await openStore({ url: db.url });
  configFile = join(dir, 'trailwarden.yaml');
  writeFileSync(
    configFile,
    `scope:\n  regions: [${REGIONS.join(', ')}]\ntemporal:\n  taskQueue: ${TASK_QUEUE}\n`,
  );
  env = cliEnv({ awsEndpoint: emu.endpoint, temporalAddress: server.address, storeUrl: db.url });
  worker = await startCliWorker(['--config', configFile], env);
});

afterAll(async () => {
  if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
  await store?.close();
  await Promise.all([emu?.stop(), server?.stop()]);
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('trailwarden schedule', () => {
  it('creates a schedule from --every and one from --cron, and refuses a second with the same id', async () => {
    const every = await cli(['schedule', 'create', 'every-6h', '--every', '6h', '--config', configFile]);
    expect(every.code, every.stderr).toBe(0);
    expect(every.stdout).toBe('created schedule every-6h\n');
    // With a cluster address there is no "embedded server" caveat to print.
    expect(every.stderr).toBe('');
    const cron = await cli([
      ...['schedule', 'create', 'daily-6am', '--cron', '0 6 * * *'],
      ...['--note', 'before the morning stand-up', '--catchup-window', '30m', '--config', configFile],
    ]);
    expect(cron.code, cron.stderr).toBe(0);
    expect(cron.stdout).toBe('created schedule daily-6am\n');

    const again = await cli(['schedule', 'create', 'every-6h', '--every', '1h', '--config', configFile]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'trailwarden: a schedule with id "every-6h" already exists (see `trailwarden schedule describe every-6h`)\n',
    );
  });

  it('refuses bad --every and --cron values before connecting anywhere', async () => {
    const every = await cli(['schedule', 'create', 'bad', '--every', 'often']);
    expect(every.code).toBe(1);
    expect(every.stderr).toBe('trailwarden: --every: expected a duration like 30m, 6h or 1d, got "often"\n');
    const range = await cli(['schedule', 'create', 'bad', '--cron', '61 * * * *', '--config', configFile]);
    expect(range.code).toBe(1);
    expect(range.stderr).toMatch(/^trailwarden: --cron "61 \* \* \* \*": .+\n$/);
    const list = await cli(['schedule', 'list', '--config', configFile]);
    expect(list.stdout).not.toContain('bad');
  });

  it('lists both, active, with their next run', async () => {
    const r = await cli(['schedule', 'list', '--config', configFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^every-6h +active +next: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);
    expect(r.stdout).toMatch(/^daily-6am +active +next: \d{4}-\d\d-\d\dT06:00:00\.000Z$/m);
  });

  it('describes a schedule in the words it was created with, overlap SKIP', async () => {
    expect(await describeSchedule('every-6h')).toMatchObject({
      id: 'every-6h',
      paused: false,
      note: null,
      spec: { every: '6h' },
      overlap: 'SKIP',
      catchupWindow: '1h',
      totalRuns: 0,
    });
    const cron = await describeSchedule('daily-6am');
    expect(cron).toMatchObject({
      id: 'daily-6am',
      paused: false,
      note: 'before the morning stand-up',
      spec: { cron: '0 6 * * *' },
      overlap: 'SKIP',
      catchupWindow: '30m',
    });
    expect((cron.nextRuns as string[])[0]).toMatch(/T06:00:00\.000Z$/);
  });

  it('triggers a run that the worker completes and that lands in the store', async () => {
    const r = await cli(['schedule', 'trigger', 'every-6h', '--config', configFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('triggered schedule every-6h\n');

    // The schedule starts the run asynchronously and says so only in its description: poll it.
    let runId: string | undefined;
    const deadline = Date.now() + 30_000;
    while (!runId && Date.now() < deadline) {
      const d = await server.client.schedule.getHandle('every-6h').describe();
      const action = d.info.recentActions[0]?.action;
      runId = action?.type === 'startWorkflow' ? action.workflow.workflowId : undefined;
      if (!runId) await new Promise((res) => setTimeout(res, 250));
    }
    expect(runId).toMatch(/^scheduled-every-6h-/);
    const result = await server.client.workflow.getHandle<typeof auditRun>(runId!).result();
    expect(result.status).toBe('COMPLETED');
    expect(result.accounts).toMatchObject({ total: 2, assessed: 2 });

    const report = await store.buildReport(runId!);
    expect(report.status).toBe('COMPLETED');
    // The configuration embedded at create time decides the run's scope.
    expect(report.scope.regions).toEqual(REGIONS);

    const list = await cli(['runs', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${runId} +COMPLETED `, 'm'));
    const d = await describeSchedule('every-6h');
    expect(d.totalRuns).toBe(1);
    expect(d.recentRuns).toEqual([expect.objectContaining({ runId })]);
  });

  it('pause and unpause change the state, with a note', async () => {
    const pause = await cli([
      'schedule',
      'pause',
      'daily-6am',
      '--note',
      'change freeze',
      '--config',
      configFile,
    ]);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toBe('paused schedule daily-6am\n');
    expect(await describeSchedule('daily-6am')).toMatchObject({ paused: true, note: 'change freeze' });
    expect((await cli(['schedule', 'list', '--config', configFile])).stdout).toMatch(/^daily-6am +paused /m);

    const unpause = await cli(['schedule', 'unpause', 'daily-6am', '--config', configFile]);
    expect(unpause.code, unpause.stderr).toBe(0);
    expect(unpause.stdout).toBe('unpaused schedule daily-6am\n');
    expect(await describeSchedule('daily-6am')).toMatchObject({ paused: false });
  });

  it('delete removes a schedule and keeps the runs it started', async () => {
    const del = await cli(['schedule', 'delete', 'every-6h', '--config', configFile]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toBe('deleted schedule every-6h\n');
    const list = await cli(['schedule', 'list', '--config', configFile]);
    expect(list.stdout).not.toContain('every-6h');
    expect(list.stdout).toContain('daily-6am');
    const d = await cli(['schedule', 'describe', 'every-6h', '--config', configFile]);
    expect(d.code).toBe(1);
    expect((await cli(['runs', 'list'])).stdout).toMatch(/^scheduled-every-6h-\S+ +COMPLETED/m);
  });

  it.each(['describe', 'pause', 'unpause', 'trigger', 'delete'])(
    '`schedule %s` of an unknown id: a clear error, exit 1',
    async (command) => {
      const r = await cli(['schedule', command, 'no-such-schedule', '--config', configFile]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('trailwarden: no schedule with id "no-such-schedule"\n');
    },
  );

  it('the worker drains and exits 0 on SIGTERM', async () => {
    const exited = once(worker.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    worker.child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect(signal).toBeNull();
    expect(code, worker.output()).toBe(0);
    expect(worker.output()).toContain('shutting down: finishing in-flight tasks');
  });
});
