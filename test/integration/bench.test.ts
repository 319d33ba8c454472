import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/main.js';
import { packageRoot } from '../../lib/binaries.js';
import { WORKER_NODE_FLAGS } from '../../worker/runtime.js';
import { runNode } from '../harness/cli.js';

// The benchmark at a few accounts, as `npm run bench` runs it (built, in its own processes), so it keeps
// working. It asserts what the figures mean, never how fast they are.

const BENCH = join(packageRoot, 'dist', 'bench', 'main.js');

let dir: string;

/** `npm run bench -- ...args`, as built, in a minimal environment. */
function runBench(args: string[]) {
  if (!existsSync(BENCH)) throw new Error(`${BENCH} is missing: run \`npm run setup\` first`);
  return runNode([BENCH, ...args], { PATH: process.env.PATH, HOME: process.env.HOME });
}

async function bench(args: string[]): Promise<{ json: BenchResult; stdout: string }> {
  const file = join(dir, `bench-${args.join('_').replace(/[^\w.-]/g, '')}.json`);
  const { code, stdout, stderr } = await runBench([...args, '--json', file]);
  if (code !== 0) throw new Error(`bench exited with ${code}:\n${stderr}`);
  return { json: JSON.parse(readFileSync(file, 'utf8')) as BenchResult, stdout };
}

/** `rounded` is `exact` rounded: at most `halfUnit` away (and a hair for floating point). */
function expectRounded(rounded: number, exact: number, halfUnit: number): void {
  expect(Math.abs(rounded - exact)).toBeLessThanOrEqual(halfUnit + 1e-9);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-bench-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run bench (a few accounts)', () => {
  let plain: { json: BenchResult; stdout: string };
  let throttled: { json: BenchResult; stdout: string };

  beforeAll(async () => {
    const common = ['--accounts', '4', '--regions', '2', '--latency-ms', '5', '--in-flight', '20'];
    // Two worker processes share the task queue and the in-flight cap, as a fleet would.
    plain = await bench([...common, '--workers', '2']);
    throttled = await bench([...common, '--throttle-rate', '0.2', '--store', 'pglite']);
  }, 200_000);

  it('audits the whole synthetic organization with the whole catalog, and every figure adds up', () => {
    const j = plain.json;
    // 4 member accounts plus the management account.
    expect([j.accounts, j.regions, j.inFlightCap, j.latencyMs, j.store]).toEqual([5, 2, 20, 5, 'pg']);
    expect(j.calls).toBeGreaterThan(j.accounts * j.regions);
    // Rounded in the JSON to 0.01 calls and 0.1 s: each lies within half a unit of the exact figure.
    expectRounded(j.callsPerAccountRegion, j.calls / (j.accounts * j.regions), 0.005);
    const floor = (j.calls * j.latencyMs) / 1000 / j.inFlightCap;
    expectRounded(j.floorSeconds, floor, 0.05);
    expect(j.efficiency).toBeGreaterThan(0);
    // Efficiency is floor / wall before rounding; wall seconds are rounded to 0.1 s in the JSON,
    // efficiency to 0.001, so it lies between the ratios at the two ends of the rounding interval.
    expect(j.efficiency).toBeGreaterThanOrEqual(floor / (j.wallSeconds + 0.05) - 0.0005);
    expect(j.efficiency).toBeLessThanOrEqual(floor / (j.wallSeconds - 0.05) + 0.0005);
    // CPU seconds are rounded to 0.1 s in the JSON and microseconds per call to 1 µs.
    expectRounded(j.workerCpuSeconds, (j.cpuMicrosPerCall * j.calls) / 1e6, 0.05 + (0.5 * j.calls) / 1e6);
    expect(j.peakInFlight).toBeLessThanOrEqual(j.inFlightCap);
    expect(j.temporalActionsPerAccount).toBeGreaterThanOrEqual(1);
    expect(j.historyEventsPerAccount).toBeGreaterThan(0);
    expect(j.peakRssMb).toBeGreaterThan(0);
    // Two worker processes ran; the peak RSS reported is the larger of theirs.
    expect(j.workers).toBe(2);
    expect(plain.stdout).toContain(`${j.peakRssMb} MB (largest of 2 workers)`);
    // The machine was busy during the audit (the workers at least) and never more than fully.
    expect(j.machineCpuBusy).toBeGreaterThan(0);
    expect(j.machineCpuBusy).toBeLessThanOrEqual(1);
    expect(plain.stdout).toContain(
      `machine CPU busy             ${Math.round(j.machineCpuBusy * 100)}% of ${j.machine.cpus} cores during the audit (endpoint ${j.endpointCpuSeconds} s)`,
    );
    const byStatus = j.findingsByStatus;
    expect(byStatus.PASS + byStatus.FAIL + byStatus.WAIVED + byStatus.ERROR).toBe(j.findings);
    // The synthetic postures are a spread: passes and failures, and nothing unreadable.
    expect(byStatus.PASS).toBeGreaterThan(0);
    expect(byStatus.FAIL).toBeGreaterThan(0);
    expect(byStatus.ERROR).toBe(0);
    // The worker ran as the README recommends for workers.
    expect(j.workerRuntime).toEqual({ nodeFlags: [...WORKER_NODE_FLAGS], mallocArenaMax: '2' });
    expect(plain.stdout).toMatch(/^efficiency\s+[\d.]+$/m);
    expect(plain.stdout).toContain(`findings                     ${j.findings} (`);
  });

  it('recovers from throttling: the same findings, on the embedded store and one worker too', () => {
    expect(throttled.json.throttled).toBeGreaterThan(0);
    expect(throttled.json.store).toBe('pglite');
    expect(throttled.json.workers).toBe(1);
    expect(throttled.json.findingsByStatus).toEqual(plain.json.findingsByStatus);
    expect(throttled.json.calls).toBeGreaterThan(plain.json.calls);
  });
});

describe('npm run bench with options it cannot honour', () => {
  it.each([
    [
      ['--workers', '2', '--store', 'pglite'],
      '--workers: several worker processes need --store pg (PGlite lives inside one process)',
    ],
    [['--workers', '0'], '--workers: expected a whole number of at least 1, got "0"'],
    [['--store', 'mysql'], '--store: expected pg or pglite, got "mysql"'],
    [['--regions', '0'], '--regions: expected 1 to 30, got "0"'],
  ])('%j: exits 1 naming the option, before starting anything', async (args, message) => {
    const { code, stdout, stderr } = await runBench(args);
    expect(code).toBe(1);
    // One line naming the option, no stack, and no run header: nothing started.
    expect(stderr).toBe(`bench: ${message}\n`);
    expect(stdout).toBe('');
  });
});

it('npm run bench --acounts (a typo): exits 1 naming the unknown option, with the usage', async () => {
  const { code, stderr } = await runBench(['--acounts', '5']);
  expect(code).toBe(1);
  expect(stderr).toMatch(/^bench: Unknown option '--acounts'/);
  expect(stderr).toContain('usage: npm run bench -- [options]');
  expect(stderr).not.toMatch(/\n\s+at /);
});
