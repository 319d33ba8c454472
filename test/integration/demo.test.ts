import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../report/model.js';
import { assertMatchesCommittedSchema } from '../../report/testing/schema.js';
import { requireBuiltCli } from '../harness/cli.js';

// The README's first command, as a newcomer runs it: `trailwarden demo` in a fresh data directory.

let dir: string;
let stdout = '';
let stderr = '';
let exitCode: number | null = null;

function report(name: string): Report {
  return JSON.parse(readFileSync(join(dir, 'demo', 'reports', `${name}.json`), 'utf8')) as Report;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tw-demo-'));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const child = spawn(process.execPath, [requireBuiltCli(), '--data-dir', dir, 'demo'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('trailwarden demo', () => {
  it('exits 0, prints both summaries, where the reports are, and the drift', () => {
    expect(exitCode, `stderr:\n${stderr}`).toBe(0);
    expect(stdout).toContain('first audit');
    expect(stdout).toContain('second audit (after the fix)');
    expect(stdout).toMatch(/fixing one problem: StartLogging on the organization trail org-audit-trail/);
    expect(stdout).toMatch(/drift from audit-\S+: \d+ resolved/);
    expect(stderr).toMatch(/progress: .*accounts 12\/12/);
    for (const run of ['run-1', 'run-2']) {
      for (const ext of ['html', 'json', 'md']) {
        const path = join(dir, 'demo', 'reports', `${run}.${ext}`);
        expect(existsSync(path), path).toBe(true);
        expect(stdout).toContain(path);
      }
    }
  });

  it('writes reports that follow the published schema', () => {
    for (const run of ['run-1', 'run-2']) {
      const text = readFileSync(join(dir, 'demo', 'reports', `${run}.json`), 'utf8');
      expect(() => assertMatchesCommittedSchema(text)).not.toThrow();
    }
  });

  it('finds the planted problems, with their evidence', () => {
    const r = report('run-1');
    const fail = (check: string, pred: (f: Report['findings'][number]) => boolean = () => true) =>
      r.findings.filter((f) => f.checkId === check && f.status === 'FAIL' && pred(f));
    const stopped = fail(
      'cloudtrail.trail_logging',
      (f) => f.resourceArn?.endsWith(':trail/org-audit-trail') === true,
    );
    expect(stopped).toHaveLength(1);
    expect(stopped[0]?.evidence.tamperEvents).toEqual([
      expect.objectContaining({
        eventName: 'StopLogging',
        actorArn: 'arn:aws:sts::000000000000:assumed-role/AdministratorAccess/mallory',
        sourceIp: '203.0.113.66',
      }),
    ]);
    expect(
      fail('cloudtrail.log_file_validation')
        .map((f) => f.resourceArn?.split('/').pop())
        .sort(),
    ).toEqual(['payments-local', 'tools-trail']);
    expect(
      fail('cloudtrail.kms_encryption')
        .map((f) => f.resourceArn?.split('/').pop())
        .sort(),
    ).toEqual(['payments-local', 'tools-trail']);
    expect(fail('cloudtrail.management_events').map((f) => f.resourceArn?.split('/').pop())).toEqual([
      'api-trail',
    ]);
    expect(fail('cloudtrail.delivery_healthy').map((f) => f.resourceArn?.split('/').pop())).toEqual([
      'tools-trail',
    ]);
    expect(fail('config.recorder_enabled').length).toBeGreaterThan(3);
    expect(fail('config.correlation')).toHaveLength(2);
    expect(fail('cloudtrail.tamper_events')).toHaveLength(2);
    const notAssessed = r.accounts.filter((a) => a.status === 'NOT_ASSESSED');
    expect(notAssessed.map((a) => [a.name, a.error?.code])).toEqual([['acme-data-prod', 'AccessDenied']]);
    expect(r.findings.filter((f) => f.status === 'WAIVED').length).toBeGreaterThan(0);
    expect(r.expiredWaivers?.map((w) => w.check)).toEqual(['config.recorder_enabled']);
  });

  it('shows the fix in the second run: the stopped trail and lost coverage resolved', () => {
    const first = report('run-1');
    const second = report('run-2');
    expect(second.drift?.previousRunId).toBe(first.runId);
    const resolved =
      second.drift?.resolved.map((k) => `${k.checkId}|${k.resourceArn?.split('/').pop() ?? ''}`) ?? [];
    expect(resolved).toContain('cloudtrail.trail_logging|org-audit-trail');
    expect(resolved).toContain('cloudtrail.org_trail|');
    expect(second.drift?.coverageGained.length).toBeGreaterThan(10);
    expect(second.drift?.newFailures).toEqual([]);
    expect(second.summary.coverage.ratio).toBeGreaterThan(first.summary.coverage.ratio);
  });
});
