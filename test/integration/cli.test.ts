import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../checks/registry.js';
import { emulatorAccount, type Scenario } from '../../emulator/index.js';
import type { Report } from '../../report/model.js';
import { assertMatchesCommittedSchema } from '../../report/testing/schema.js';
import { type CliResult, cliEnv, requireBuiltCli, runNode } from '../harness/cli.js';
import { type Emulator, startEmulator } from '../harness/index.js';

// `trailwarden` as users run it: the built CLI in a subprocess (stdout and stderr are pipes, not a TTY),
// with no Temporal address, so every audit starts its own embedded dev server and in-process worker from
// the same --data-dir, against moto behind the front proxy. One emulator and one data dir serve the
// whole file; the four audits run in order and each test reads what the audit before it left.

const REGIONS = ['eu-west-1', 'us-east-1'];
const SECRET_ENV = 'TW_TEST_WEBHOOK_SECRET';
const SECRET = 'cli-test-webhook-secret';

const goodConfig = (globals = false) => ({
  recorder: { includeGlobalResourceTypes: globals },
  deliveryChannel: {},
});

/**
 * The organization trail is stopped (so member regions are uncovered: high FAILs), `legacy` has a trail
 * that never logs (a high FAIL that stays), `app` has a healthy trail of its own.
 */
const scenario: Scenario = {
  regions: REGIONS,
  management: {
    trails: [{ name: 'org-trail', homeRegion: 'us-east-1', organization: true, logging: false }],
    config: { 'eu-west-1': goodConfig(), 'us-east-1': goodConfig(true) },
    aggregators: [{ region: 'us-east-1', name: 'org-aggregator' }],
  },
  ous: [
    {
      name: 'Workloads',
      accounts: [
        {
          key: 'app',
          trails: [{ name: 'app-trail', homeRegion: 'eu-west-1' }],
          config: { 'eu-west-1': goodConfig(), 'us-east-1': goodConfig(true) },
        },
        { key: 'legacy', trails: [{ name: 'legacy-trail', homeRegion: 'us-east-1', logging: false }] },
      ],
    },
  ],
};

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let emu: Emulator;
let dir: string;
let dataDir: string;
let receiver: Server;
const received: Received[] = [];
let configFile: string;

/** Runs the built CLI to its end. */
function cli(args: string[], opts: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const env = { ...cliEnv({ awsEndpoint: emu.endpoint }), [SECRET_ENV]: SECRET, ...opts.env };
  return runNode([requireBuiltCli(), '--data-dir', opts.dataDir ?? dataDir, ...args], env);
}

const file = (name: string) => join(dir, 'out', name);
const readReport = (name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as Report;

async function trail(accountKey: string, name: string, region: string, start: boolean): Promise<void> {
  const id = emu.org.accounts[accountKey]!.id;
  const account = await emulatorAccount(emu.moto.endpoint, id, emu.org.state.defaultAccountId);
  const client = account.cloudtrail(region);
  await client.send(start ? new StartLoggingCommand({ Name: name }) : new StopLoggingCommand({ Name: name }));
  client.destroy();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tw-cli-'));
  dataDir = join(dir, 'data');
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const port = (receiver.address() as AddressInfo).port;
  configFile = join(dir, 'trailwarden.yaml');
  writeFileSync(
    configFile,
    [
      'scope:',
      `  regions: [${REGIONS.join(', ')}]`,
      'alerts:',
      '  minSeverity: high',
      `  webhook: { url: "http://127.0.0.1:${port}/hook", format: generic, secretEnv: ${SECRET_ENV} }`,
    ].join('\n'),
  );
  emu = await startEmulator(scenario);
});

afterAll(async () => {
  await emu?.stop();
  await new Promise((r) => receiver?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('trailwarden config validate', () => {
  it('prints every error with its path and exits 1 for a bad file', async () => {
    const bad = new URL('../fixtures/configs/invalid-many.yaml', import.meta.url).pathname;
    const r = await cli(['config', 'validate', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(errors.map((l) => l.slice(4).split(':')[0])).toEqual([
      'organization.discoveryRoleArn',
      'scope.includeOus[0]',
      'scope.regions[1]',
      'scope.colour',
      'audit.maxConcurrentAccounts',
      'audit.lookbackDays',
      'checks.disable[0]',
      'waivers[0].expires',
      'alerts.sns.topicArn',
      'temporal',
      'schedule',
    ]);
    expect(r.stderr).toMatch(/^\S+invalid-many\.yaml: invalid configuration\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 0 and says so for a good file, and prints the effective configuration on request', async () => {
    const good = new URL('../fixtures/configs/spec-example.yaml', import.meta.url).pathname;
    const r = await cli(['config', 'validate', good, '--print']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/spec-example\.yaml: valid\n/);
    const effective = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { audit: { homeRegion: string } };
    expect(effective.audit.homeRegion).toBe('us-east-1');
  });

  it('`audit --config bad.yaml` starts nothing: exit 1, no Temporal database, no store', async () => {
    const fresh = join(dir, 'fresh');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'audit:\n  maxConcurrentAccounts: -1\nscope: [eu-west-1]\n');
    const r = await cli(['audit', '--config', bad], { dataDir: fresh });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('audit.maxConcurrentAccounts');
    expect(r.stderr).toContain('scope: expected a mapping, got a list');
    expect(r.stderr).not.toMatch(/audit run .* started/);
    expect(existsSync(join(fresh, 'temporal.db'))).toBe(false);
    expect(existsSync(join(fresh, 'store'))).toBe(false);
    if (existsSync(fresh)) expect(readdirSync(fresh)).toEqual([]);
  });
});

describe('a first audit: every format, progress, summary; no --fail-on', () => {
  let r: CliResult;
  beforeAll(async () => {
    r = await cli([
      'audit',
      '--config',
      configFile,
      '--run-id',
      'cli-run-1',
      ...['--json', file('r1.json'), '--html', file('r1.html'), '--md', file('r1.md')],
      ...['--csv', file('r1.csv'), '--ocsf', file('r1.ocsf.json'), '--asff', file('r1.asff.json')],
    ]);
  }, 120_000);

  it('exits 0 without --fail-on although high FAILs exist', () => {
    expect(r.code, r.stderr).toBe(0);
    const high = readReport('r1.json').findings.filter((f) => f.status === 'FAIL' && f.severity === 'high');
    expect(high.length).toBeGreaterThan(0);
  });

  it('shows plain progress lines on stderr and the summary on stdout, no terminal control codes', () => {
    expect(r.stderr).toContain('audit run cli-run-1 started (embedded Temporal server, in-process worker)');
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('progress: '));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatch(
      /^progress: completed · accounts 3\/3 · regions 6 · findings \d+ · \d+s$/,
    );
    for (const text of [r.stdout, r.stderr]) {
      expect(text.includes('\r')).toBe(false);
      expect(text.includes('\u001b[')).toBe(false);
    }
    expect(r.stdout).toMatch(/^trailwarden audit {2}run cli-run-1 {2}COMPLETED$/m);
    expect(r.stdout).toMatch(/^Score +[\d.]+ \/ 100$/m);
    expect(r.stdout).toMatch(/^Coverage +[\d.]+% +\d+ of 6 audited account-regions covered/m);
    expect(r.stdout).toMatch(/^Accounts +3 assessed +0 not assessed/m);
    // Worker chatter stays out of a normal run's output.
    expect(r.stderr).not.toMatch(/Worker state changed|\[INFO\]/);
  });

  it('writes every format; the JSON follows the published schema and the others render the same run', () => {
    for (const name of ['r1.json', 'r1.html', 'r1.md', 'r1.csv', 'r1.ocsf.json', 'r1.asff.json'])
      expect(r.stderr).toContain(file(name));
    const json = readFileSync(file('r1.json'), 'utf8');
    expect(() => assertMatchesCommittedSchema(json)).not.toThrow();
    const report = JSON.parse(json) as Report;
    expect(report.runId).toBe('cli-run-1');
    expect(report.scope).toEqual({ regions: REGIONS, accountCount: 3 });
    expect(report.drift).toBeNull();
    const fails = report.findings.filter((f) => f.status === 'FAIL');

    const html = readFileSync(file('r1.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('cli-run-1');
    expect(readFileSync(file('r1.md'), 'utf8')).toContain('cli-run-1');
    const csv = readFileSync(file('r1.csv'), 'utf8').trim().split(/\r?\n/);
    expect(csv.length).toBe(report.findings.length + 1);
    const ocsf = JSON.parse(readFileSync(file('r1.ocsf.json'), 'utf8')) as unknown[];
    expect(ocsf).toHaveLength(fails.length);
    const asff = JSON.parse(readFileSync(file('r1.asff.json'), 'utf8')) as
      | unknown[]
      | { Findings: unknown[] };
    expect(Array.isArray(asff) ? asff : asff.Findings).toHaveLength(fails.length);
  });

  it('`runs list` shows the run', async () => {
    const list = await cli(['runs', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^RUN ID +STATUS +STARTED +ACCOUNTS FAIL ERROR$/m);
    expect(list.stdout).toMatch(/^cli-run-1 +COMPLETED +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +3 +\d+ +0$/m);
    const json = await cli(['runs', 'list', '--json']);
    expect((JSON.parse(json.stdout) as { runId: string }[]).map((x) => x.runId)).toEqual(['cli-run-1']);
  });

  it("`report RUN --format json` reproduces the audit's JSON report", async () => {
    const again = await cli(['report', 'cli-run-1', '--format', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(readReport('r1.json'));
    const summary = await cli(['report', 'cli-run-1']);
    expect(summary.stdout).toMatch(/^trailwarden audit {2}run cli-run-1 {2}COMPLETED$/m);
  });

  it('sends no alert for the first run of a scope', () => {
    expect(received.filter((x) => x.body.includes('cli-run-1'))).toEqual([]);
  });
});

describe('after restarting the organization trail: --fail-on high, diff', () => {
  let r: CliResult;
  beforeAll(async () => {
    await trail('management', 'org-trail', 'us-east-1', true);
    r = await cli([
      'audit',
      '--config',
      configFile,
      '--run-id',
      'cli-run-2',
      '--fail-on',
      'high',
      '--json',
      file('r2.json'),
    ]);
  }, 120_000);

  it('exits 2 with --fail-on high while a high FAIL remains', () => {
    expect(r.code, r.stderr).toBe(2);
    const high = readReport('r2.json').findings.filter((f) => f.status === 'FAIL' && f.severity === 'high');
    expect(high.map((f) => f.resourceArn)).toContain(
      `arn:aws:cloudtrail:us-east-1:${emu.org.accounts.legacy!.id}:trail/legacy-trail`,
    );
  });

  it('`diff RUN_A RUN_B` shows the trail resolved and coverage gained', async () => {
    const d = await cli(['diff', 'cli-run-1', 'cli-run-2']);
    expect(d.code, d.stderr).toBe(0);
    const mgmt = emu.org.managementAccountId;
    const legacy = emu.org.accounts.legacy!.id;
    expect(d.stdout).toMatch(/^drift from cli-run-1 to cli-run-2$/m);
    const section = (title: string) => d.stdout.split(`\n${title} (`)[1]?.split('\n\n')[0] ?? '';
    expect(section('resolved')).toContain(
      `cloudtrail.trail_logging ${mgmt} us-east-1 arn:aws:cloudtrail:us-east-1:${mgmt}:trail/org-trail`,
    );
    expect(section('coverage gained')).toContain(`${legacy} eu-west-1`);
    expect(section('coverage lost')).toMatch(/^0\)/);
    const json = JSON.parse((await cli(['diff', 'cli-run-1', 'cli-run-2', '--json'])).stdout) as {
      coverageGained: { accountId: string; region: string }[];
      coverageLost: unknown[];
    };
    expect(json.coverageGained).toContainEqual({ accountId: legacy, region: 'eu-west-1' });
    expect(json.coverageLost).toEqual([]);
    expect(readReport('r2.json').drift?.previousRunId).toBe('cli-run-1');
  });
});

describe('after stopping a member trail: --fail-on critical, alerts before the CLI exits', () => {
  let r: CliResult;
  beforeAll(async () => {
    await trail('app', 'app-trail', 'eu-west-1', false);
    r = await cli([
      'audit',
      '--config',
      configFile,
      '--run-id',
      'cli-run-3',
      '--fail-on',
      'critical',
      '--no-progress',
    ]);
  }, 120_000);

  it('exits 0 with --fail-on critical when no FAIL is critical, and shows no progress with --no-progress', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('progress: ');
  });

  it('delivered the signed alert for the new failure before exiting', () => {
    const alerts = received.filter((x) => x.body.includes('"runId":"cli-run-3"'));
    expect(alerts).toHaveLength(1);
    const [a] = alerts;
    const ts = String(a?.headers['x-trailwarden-timestamp']);
    const expected = createHmac('sha256', SECRET).update(`${ts}.${a?.body}`).digest('hex');
    expect(a?.headers['x-trailwarden-signature']).toBe(`sha256=${expected}`);
    const body = JSON.parse(a?.body ?? '{}') as {
      items: { kind: string; checkId: string; resourceArn: string }[];
    };
    const app = emu.org.accounts.app!.id;
    expect(body.items).toContainEqual(
      expect.objectContaining({
        kind: 'new_failure',
        checkId: 'cloudtrail.trail_logging',
        resourceArn: `arn:aws:cloudtrail:eu-west-1:${app}:trail/app-trail`,
      }),
    );
    expect(r.stderr).toMatch(/sent \d+ alert item\(s\) for cli-run-3/);
  });
});

describe('errors', () => {
  it('exits 1 with one clean message when the run fails (the organization cannot be read)', async () => {
    const remove = emu.proxy.addFault({
      kind: 'accessDenied',
      service: 'organizations',
      operation: 'DescribeOrganization',
    });
    try {
      const r = await cli(['audit', '--config', configFile, '--run-id', 'cli-run-4', '--fail-on', 'high']);
      expect(r.code).toBe(1);
      const message = r.stderr.split('\n').filter((l) => l.startsWith('trailwarden: '));
      expect(message).toEqual([
        expect.stringMatching(
          /^trailwarden: audit run cli-run-4 failed during discovery: cannot read the organization: AccessDenied/,
        ),
      ]);
      // One message, said once: no stack trace, no worker log lines about the same failure.
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toContain('"level"');
    } finally {
      remove();
    }
    const list = await cli(['runs', 'list']);
    expect(list.stdout).toMatch(/^cli-run-4 +FAILED/m);
  }, 120_000);

  it('exits 1 with the variable named when TRAILWARDEN_STORE_URL is not a PostgreSQL URL', async () => {
    const r = await cli(['runs', 'list'], { env: { TRAILWARDEN_STORE_URL: 'mysql://db/trailwarden' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'trailwarden: environment: invalid configuration\n  - TRAILWARDEN_STORE_URL: expected a postgres:// URL\n',
    );
  });

  it('exits 1 for an unknown run id, in `report` and in `diff`', async () => {
    const report = await cli(['report', 'no-such-run']);
    expect(report.code).toBe(1);
    expect(report.stderr).toBe(
      'trailwarden: no run "no-such-run" in the store (see `trailwarden runs list`)\n',
    );
    const diff = await cli(['diff', 'cli-run-1', 'no-such-run']);
    expect(diff.code).toBe(1);
    expect(diff.stderr).toContain('no run "no-such-run"');
  });

  it('exits 1 with a short pointer on a usage error', async () => {
    const r = await cli(['audit', '--fail-on', 'severe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("option '--fail-on <severity>' argument 'severe' is invalid");
    expect(r.stderr).toContain('(add --help for usage)');
    expect(r.stderr.length).toBeLessThan(400);
  });
});

describe('checks list and --help', () => {
  it('`checks list` prints every check id of the catalog, once', async () => {
    const r = await cli(['checks', 'list']);
    expect(r.code).toBe(0);
    const ids = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0]);
    expect(ids).toEqual(catalog.ids());
    expect(new Set(ids).size).toBe(20);
  });

  it('`--help` works on every command, exit 0', async () => {
    const commands = [
      [],
      ['audit'],
      ['worker'],
      ['runs'],
      ['runs', 'list'],
      ['report'],
      ['diff'],
      ['checks'],
      ['checks', 'list'],
      ['config'],
      ['config', 'validate'],
      ['schedule'],
      ...['create', 'list', 'describe', 'pause', 'unpause', 'trigger', 'delete'].map((c) => ['schedule', c]),
      ['demo'],
    ];
    const results = await Promise.all(commands.map((c) => cli([...c, '--help'])));
    results.forEach((r, i) => {
      const name = ['trailwarden', ...(commands[i] ?? [])].join(' ');
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`^Usage: ${name} `));
      expect(r.stderr, name).toBe('');
    });
  });
});
