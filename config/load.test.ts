import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalog } from '../checks/registry.js';
import {
  applyEnvironment,
  ConfigError,
  type ConfigIssue,
  defaultConfig,
  loadConfig,
  parseConfig,
} from './load.js';
import type { TrailwardenConfig } from './schema.js';

const ids = catalog.ids();
const fixture = (name: string) => new URL(`../test/fixtures/configs/${name}`, import.meta.url).pathname;

/** The issues of an invalid document (fails the test when the document is accepted). */
function issuesOf(yaml: string): ConfigIssue[] {
  try {
    parseConfig(yaml, 'test.yaml', ids);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error(`accepted:\n${yaml}`);
}

/** The defaults the README documents (section "Configuration"). */
const DOCUMENTED_DEFAULTS: TrailwardenConfig = {
  organization: { discoveryRoleArn: null, includeTags: true },
  scope: { includeOus: [], excludeOus: [], includeAccounts: [], excludeAccounts: [], regions: 'enabled' },
  audit: {
    roleName: 'TrailWardenAudit',
    externalId: null,
    sessionDurationSeconds: 3600,
    maxConcurrentAccounts: 50,
    maxConcurrentCallsPerAccount: 8,
    lookbackDays: 7,
    staleDeliveryHours: 24,
    homeRegion: 'us-east-1',
  },
  checks: { disable: [] },
  waivers: [],
  alerts: { minSeverity: 'high' },
  store: {},
  temporal: { taskQueue: 'trailwarden' },
  worker: { maxConcurrentActivities: 100, maxInFlightCalls: 400 },
};

describe('parseConfig rejects a malformed file, naming the path of each problem', () => {
  // One mistake per document: the exact path and the gist of what was expected.
  const cases: { name: string; yaml: string; path: string; message: RegExp }[] = [
    {
      name: 'a string where a number is expected',
      yaml: 'audit:\n  maxConcurrentAccounts: "50"\n',
      path: 'audit.maxConcurrentAccounts',
      message: /^expected a number, got string "50"$/,
    },
    {
      name: 'a number where a boolean is expected',
      yaml: 'organization:\n  includeTags: 1\n',
      path: 'organization.includeTags',
      message: /^expected a boolean, got number 1$/,
    },
    {
      name: 'a mapping where a list is expected',
      yaml: 'checks:\n  disable: { cloudtrail.insights: true }\n',
      path: 'checks.disable',
      message: /^expected a list, got a mapping$/,
    },
    {
      name: 'an unknown top-level key',
      yaml: 'scope: {}\nschedules: nightly\n',
      path: 'schedules',
      message: /^unknown key$/,
    },
    {
      name: 'an unknown nested key (a typo)',
      yaml: 'alerts:\n  webhook:\n    url: https://hooks.example.com/x\n    fromat: slack\n',
      path: 'alerts.webhook.fromat',
      message: /^unknown key$/,
    },
    {
      name: 'an unknown key inside a waiver',
      yaml: 'waivers:\n  - check: cloudtrail.insights\n    reason: r\n    expires: 2027-03-31\n    account: ["111111111111"]\n',
      path: 'waivers[0].account',
      message: /^unknown key$/,
    },
    {
      name: 'a role ARN with a short account id',
      yaml: 'organization:\n  discoveryRoleArn: arn:aws:iam::1111:role/TrailWardenDiscovery\n',
      path: 'organization.discoveryRoleArn',
      message: /IAM role ARN/,
    },
    {
      name: 'a user ARN where a role ARN is expected',
      yaml: 'organization:\n  discoveryRoleArn: arn:aws:iam::111111111111:user/auditor\n',
      path: 'organization.discoveryRoleArn',
      message: /IAM role ARN/,
    },
    {
      name: 'an SQS ARN where an SNS topic ARN is expected',
      yaml: 'alerts:\n  sns: { topicArn: "arn:aws:sqs:us-east-1:111111111111:drift" }\n',
      path: 'alerts.sns.topicArn',
      message: /SNS topic ARN/,
    },
    {
      name: 'an SNS topic ARN without a region',
      yaml: 'alerts:\n  sns: { topicArn: "arn:aws:sns::111111111111:drift" }\n',
      path: 'alerts.sns.topicArn',
      message: /SNS topic ARN/,
    },
    {
      name: 'a waiver expiry written day first',
      yaml: 'waivers:\n  - check: cloudtrail.insights\n    reason: r\n    expires: 31/03/2027\n',
      path: 'waivers[0].expires',
      message: /^expected a date as YYYY-MM-DD$/,
    },
    {
      name: 'a waiver expiry that is not a calendar date',
      yaml: 'waivers:\n  - check: cloudtrail.insights\n    reason: r\n    expires: 2027-02-30\n',
      path: 'waivers[0].expires',
      message: /^expected a real calendar date$/,
    },
    {
      name: 'a waiver without an expiry',
      yaml: 'waivers:\n  - check: cloudtrail.insights\n    reason: r\n',
      path: 'waivers[0].expires',
      message: /^required/,
    },
    {
      name: 'a waiver with an empty reason',
      yaml: 'waivers:\n  - check: cloudtrail.insights\n    reason: "  "\n    expires: 2027-03-31\n',
      path: 'waivers[0].reason',
      message: /needs a reason/,
    },
    {
      name: 'zero concurrent accounts',
      yaml: 'audit:\n  maxConcurrentAccounts: 0\n',
      path: 'audit.maxConcurrentAccounts',
      message: />=1/,
    },
    {
      name: 'negative concurrent calls per account',
      yaml: 'audit:\n  maxConcurrentCallsPerAccount: -4\n',
      path: 'audit.maxConcurrentCallsPerAccount',
      message: />=1/,
    },
    {
      name: 'a fractional number of concurrent accounts',
      yaml: 'audit:\n  maxConcurrentAccounts: 2.5\n',
      path: 'audit.maxConcurrentAccounts',
      message: /int/,
    },
    {
      name: 'a session longer than AssumeRole allows',
      yaml: 'audit:\n  sessionDurationSeconds: 86400\n',
      path: 'audit.sessionDurationSeconds',
      message: /<=43200/,
    },
    {
      name: 'an unknown check id in checks.disable',
      yaml: 'checks:\n  disable: [cloudtrail.insights, cloudtrail.sns_notification]\n',
      path: 'checks.disable[1]',
      message: /unknown check id "cloudtrail.sns_notification"/,
    },
    {
      name: 'an unknown check id in a waiver',
      yaml: 'waivers:\n  - check: s3_data_events\n    reason: r\n    expires: 2027-03-31\n',
      path: 'waivers[0].check',
      message: /unknown check id "s3_data_events"/,
    },
    {
      name: 'a bad region name in the scope',
      yaml: 'scope:\n  regions: [us-east-1, us-east]\n',
      path: 'scope.regions[1]',
      message: /AWS region name/,
    },
    {
      name: 'neither "enabled" nor a list of regions',
      yaml: 'scope:\n  regions: all\n',
      path: 'scope.regions',
      message: /^expected "enabled" or a list of region names$/,
    },
    {
      name: 'an empty region list',
      yaml: 'scope:\n  regions: []\n',
      path: 'scope.regions',
      message: /at least one region/,
    },
    {
      name: 'a bad region in a waiver',
      yaml: 'waivers:\n  - check: cloudtrail.insights\n    regions: [EU-WEST-1]\n    reason: r\n    expires: 2027-03-31\n',
      path: 'waivers[0].regions[0]',
      message: /AWS region name/,
    },
    {
      name: 'a bad home region',
      yaml: 'audit:\n  homeRegion: virginia\n',
      path: 'audit.homeRegion',
      message: /AWS region name/,
    },
    {
      name: 'an OU path without its leading slash',
      yaml: 'scope:\n  includeOus: [/Workloads, Sandbox]\n',
      path: 'scope.includeOus[1]',
      message: /OU id .* or an OU path/,
    },
    {
      name: 'a malformed OU id',
      yaml: 'scope:\n  excludeOus: [ou-12]\n',
      path: 'scope.excludeOus[0]',
      message: /OU id/,
    },
    {
      name: 'a bad OU ref in a waiver',
      yaml: 'waivers:\n  - check: cloudtrail.insights\n    ous: [Sandbox]\n    reason: r\n    expires: 2027-03-31\n',
      path: 'waivers[0].ous[0]',
      message: /OU id/,
    },
    {
      name: 'an account id of 11 digits',
      yaml: 'scope:\n  excludeAccounts: ["11111111111"]\n',
      path: 'scope.excludeAccounts[0]',
      message: /12-digit/,
    },
    {
      name: 'an unknown webhook format',
      yaml: 'alerts:\n  webhook: { url: "https://hooks.example.com/x", format: teams }\n',
      path: 'alerts.webhook.format',
      message: /^expected one of "slack", "generic"$/,
    },
    {
      name: 'a webhook URL that is not http(s)',
      yaml: 'alerts:\n  webhook: { url: "ftp://hooks.example.com/x" }\n',
      path: 'alerts.webhook.url',
      message: /http\(s\) URL/,
    },
    {
      name: 'an unknown minimum severity',
      yaml: 'alerts:\n  minSeverity: urgent\n',
      path: 'alerts.minSeverity',
      message: /^expected one of "critical", "high", "medium", "low", "info"$/,
    },
    {
      name: 'a store URL that is not PostgreSQL',
      yaml: 'store:\n  url: mysql://db/trailwarden\n',
      path: 'store.url',
      message: /postgres:\/\//,
    },
    {
      name: 'a Temporal address without a port',
      yaml: 'temporal:\n  address: temporal.example.com\n',
      path: 'temporal.address',
      message: /host:port/,
    },
    {
      name: 'a list where a mapping is expected',
      yaml: 'audit: [maxConcurrentAccounts, 10]\n',
      path: 'audit',
      message: /^expected a mapping, got a list$/,
    },
    {
      name: 'a scalar where a mapping is expected',
      yaml: 'temporal: temporal.example.com:7233\n',
      path: 'temporal',
      message: /^expected a mapping, got string "temporal.example.com:7233"$/,
    },
    {
      name: 'a mapping where the list of waivers is expected',
      yaml: 'waivers:\n  check: cloudtrail.insights\n  reason: r\n  expires: 2027-03-31\n',
      path: 'waivers',
      message: /^expected a list, got a mapping$/,
    },
    {
      name: 'a list as the whole document',
      yaml: '- scope\n- audit\n',
      path: '(top level)',
      message: /expected a mapping of sections/,
    },
    {
      name: 'an unclosed flow sequence (YAML syntax)',
      yaml: 'scope:\n  regions: [us-east-1, eu-west-1\naudit: {}\n',
      path: 'line 3, column 1',
      message: /./,
    },
    {
      name: 'a tab used for indentation (YAML syntax)',
      yaml: 'audit:\n\tmaxConcurrentAccounts: 5\n',
      path: 'line 2, column 1',
      message: /./,
    },
    {
      name: 'a duplicated key (YAML)',
      yaml: 'audit:\n  lookbackDays: 7\n  lookbackDays: 14\n',
      path: 'line 3, column 3',
      message: /unique/,
    },
  ];

  it.each(cases)('$name → $path', ({ yaml, path, message }) => {
    const issues = issuesOf(yaml);
    expect(issues, JSON.stringify(issues)).toHaveLength(1);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });

  it('reports every problem of a file at once, in the order of the file', () => {
    const issues = issuesOf(readFileSync(fixture('invalid-many.yaml'), 'utf8'));
    expect(issues.map((i) => i.path)).toEqual([
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
  });

  it('puts every problem, path first, into the error message', () => {
    let message = '';
    try {
      parseConfig('audit:\n  lookbackDays: 0\nscope:\n  regions: nowhere\n', 'team.yaml', ids);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^team\.yaml: invalid configuration\n/);
    expect(message).toContain('\n  - scope.regions: expected "enabled" or a list of region names');
    expect(message).toContain('\n  - audit.lookbackDays: expected number to be >=1');
  });

  it('reports all YAML syntax errors with their line, and validates nothing else', () => {
    const issues = issuesOf('audit:\n  lookbackDays: [1\nscope: {regions: [\n');
    expect(issues.length).toBeGreaterThanOrEqual(1);
    for (const i of issues) expect(i.path).toMatch(/^line \d+, column \d+$/);
  });

  it('does not echo long values back in full', () => {
    const long = 'x'.repeat(500);
    const [issue] = issuesOf(`audit:\n  lookbackDays: "${long}"\n`);
    expect(issue?.message.length).toBeLessThan(120);
  });
});

describe('parseConfig accepts valid files', () => {
  it('parses the example of spec/config.md', () => {
    const cfg = parseConfig(readFileSync(fixture('spec-example.yaml'), 'utf8'), 'spec-example.yaml', ids);
    expect(cfg.organization.discoveryRoleArn).toBe('arn:aws:iam::111111111111:role/TrailWardenDiscovery');
    expect(cfg.scope).toEqual({
      includeOus: ['ou-abcd-11111111', '/Workloads'],
      excludeOus: ['/Sandbox'],
      includeAccounts: [],
      excludeAccounts: [],
      regions: 'enabled',
    });
    expect(cfg.audit).toMatchObject({
      roleName: 'TrailWardenAudit',
      externalId: null,
      maxConcurrentAccounts: 50,
    });
    expect(cfg.checks.disable).toEqual(['cloudtrail.sns_notifications']);
    expect(cfg.waivers).toEqual([
      {
        check: 'cloudtrail.s3_data_events',
        ous: ['/Sandbox'],
        reason: 'sandbox accounts do not need data events',
        expires: '2027-03-31',
      },
    ]);
    expect(cfg.alerts).toEqual({
      minSeverity: 'high',
      webhook: { url: 'https://hooks.example.com/services/T000/B000/XXXX', format: 'slack' },
      sns: { topicArn: 'arn:aws:sns:us-east-1:111111111111:posture-drift' },
    });
    expect(cfg.store.url).toBe('postgres://user@host/db');
    expect(cfg.temporal).toEqual({
      address: 'temporal.example.com:7233',
      namespace: 'default',
      taskQueue: 'trailwarden',
    });
  });

  it('parses the configuration documented in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const block = section.match(/```yaml\n([\s\S]*?)```/)?.[1];
    expect(block, 'README has a ```yaml block under "## Configuration"').toBeDefined();
    expect(() => parseConfig(block ?? '', 'README.md', ids)).not.toThrow();
  });

  it('fills in the documented defaults for an empty file, a comment-only file and {}', () => {
    for (const text of ['', '# nothing yet\n', '{}']) {
      expect(parseConfig(text, 'empty.yaml', ids)).toEqual(DOCUMENTED_DEFAULTS);
    }
    expect(defaultConfig(ids)).toEqual(DOCUMENTED_DEFAULTS);
  });

  it('fills in defaults inside a section that is only partly given', () => {
    const cfg = parseConfig('audit:\n  maxConcurrentAccounts: 5\nscope:\n  regions: [eu-west-1]\n', 'x', ids);
    expect(cfg.audit).toEqual({ ...DOCUMENTED_DEFAULTS.audit, maxConcurrentAccounts: 5 });
    expect(cfg.scope).toEqual({ ...DOCUMENTED_DEFAULTS.scope, regions: ['eu-west-1'] });
    expect(cfg.alerts).toEqual({ minSeverity: 'high' });
  });

  it('reads a waiver expiry quoted or not as the same day, and JSON as well as YAML', () => {
    const waiver = (expires: string) =>
      parseConfig(
        `waivers:\n  - check: cloudtrail.insights\n    accounts: ["111111111111"]\n    reason: r\n    expires: ${expires}\n`,
        'x',
        ids,
      ).waivers[0]?.expires;
    expect(waiver('2028-02-29')).toBe('2028-02-29');
    expect(waiver('"2028-02-29"')).toBe('2028-02-29');
    const json = JSON.stringify({ scope: { regions: ['us-east-1'] }, audit: { lookbackDays: 30 } });
    const cfg = parseConfig(json, 'x.json', ids);
    expect(cfg.scope.regions).toEqual(['us-east-1']);
    expect(cfg.audit.lookbackDays).toBe(30);
  });

  it('accepts OU ids, root ids and nested paths, GovCloud regions and a generic signed webhook', () => {
    const cfg = parseConfig(
      [
        'scope:',
        '  includeOus: [ou-ab12-34cd56ef, r-ab12, /Workloads/Prod, /]',
        '  regions: [us-gov-west-1, eu-central-2]',
        'alerts:',
        '  minSeverity: medium',
        '  webhook: { url: "http://127.0.0.1:9000/hook", secretEnv: TW_HOOK_SECRET }',
      ].join('\n'),
      'x',
      ids,
    );
    expect(cfg.scope.includeOus).toHaveLength(4);
    expect(cfg.alerts.webhook).toEqual({
      url: 'http://127.0.0.1:9000/hook',
      format: 'generic',
      secretEnv: 'TW_HOOK_SECRET',
    });
  });
});

describe('loadConfig and the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trailwarden.yaml');
  writeFileSync(
    file,
    [
      'audit: { maxConcurrentAccounts: 12, roleName: FileRole }',
      'store: { url: "postgres://file@db/file" }',
      'temporal: { address: "file.example.com:7233", namespace: file-ns, taskQueue: file-queue }',
    ].join('\n'),
  );

  it('lets TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TRAILWARDEN_STORE_URL and TRAILWARDEN_TASK_QUEUE win', async () => {
    const fromFile = await loadConfig(file, ids, {});
    const cfg = await loadConfig(file, ids, {
      TEMPORAL_ADDRESS: 'env.example.com:7233',
      TEMPORAL_NAMESPACE: 'env-ns',
      TRAILWARDEN_STORE_URL: 'postgresql://env@db/env',
      TRAILWARDEN_TASK_QUEUE: 'env-queue',
    });
    expect(cfg.temporal).toEqual({
      address: 'env.example.com:7233',
      namespace: 'env-ns',
      taskQueue: 'env-queue',
    });
    expect(cfg.store).toEqual({ url: 'postgresql://env@db/env' });
    // Everything that is not a connection setting is the file's.
    expect({ ...cfg, temporal: fromFile.temporal, store: fromFile.store }).toEqual(fromFile);
    expect(fromFile.temporal).toEqual({
      address: 'file.example.com:7233',
      namespace: 'file-ns',
      taskQueue: 'file-queue',
    });
  });

  it('does not let the environment change anything but connection settings', async () => {
    const cfg = await loadConfig(file, ids, {
      TRAILWARDEN_AUDIT_ROLE_NAME: 'EnvRole',
      TRAILWARDEN_MAX_CONCURRENT_ACCOUNTS: '99',
      TRAILWARDEN_REGIONS: 'eu-west-1',
      AWS_REGION: 'eu-west-1',
    });
    expect(cfg).toEqual(await loadConfig(file, ids, {}));
    expect(cfg.audit.roleName).toBe('FileRole');
  });

  it('ignores empty variables and applies them to the defaults when there is no file', async () => {
    const withEmpty = await loadConfig(file, ids, { TEMPORAL_ADDRESS: '', TRAILWARDEN_TASK_QUEUE: '' });
    expect(withEmpty.temporal.address).toBe('file.example.com:7233');
    expect(withEmpty.temporal.taskQueue).toBe('file-queue');
    const defaults = await loadConfig(undefined, ids, { TEMPORAL_ADDRESS: 'env.example.com:7233' });
    expect(defaults).toEqual({
      ...DOCUMENTED_DEFAULTS,
      temporal: { taskQueue: 'trailwarden', address: 'env.example.com:7233' },
    });
  });

  it('leaves the configuration it was given untouched', () => {
    const base = defaultConfig(ids);
    const out = applyEnvironment(base, { TRAILWARDEN_STORE_URL: 'postgres://x@y/z' });
    expect(out.store.url).toBe('postgres://x@y/z');
    expect(base.store.url).toBeUndefined();
  });

  it('holds a store URL from the environment to the rule of the file', async () => {
    const err = await loadConfig(file, ids, { TRAILWARDEN_STORE_URL: 'mysql://db/trailwarden' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      { path: 'TRAILWARDEN_STORE_URL', message: 'expected a postgres:// URL' },
    ]);
    expect((err as ConfigError).message).toMatch(/^environment: invalid configuration\n/);
  });

  it('reports an unreadable file as a ConfigError', async () => {
    const err = await loadConfig(join(dir, 'missing.yaml'), ids, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      { path: '(file)', message: expect.stringMatching(/cannot read the file: ENOENT/) },
    ]);
  });
});
