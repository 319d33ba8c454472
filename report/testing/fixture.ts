import type { AccountReport, Drift, Report, ReportFinding, Summary } from '../model.js';
import { SCORE_WEIGHTS } from '../model.js';

/**
 * Test fixtures for the renderers: a valid Report of any size, deterministic, with every state the renderers
 * must show (NOT_ASSESSED and EXCLUDED accounts, a DISABLED and an ERROR region, WAIVED and ERROR findings,
 * drift, an expired waiver) and the hostile strings an attacker who controls a member account can plant.
 */

/** Strings an attacker can put into account names, trail names, tags and messages. */
export const HOSTILE = {
  formulaName: '=HYPERLINK("http://x")',
  imgTrail: '<img src=x onerror=alert(1)>',
  markdownName: 'team|a *bold* `code` _x_ [l](http://x)',
  scriptName: 'prod </script><script>alert(2)</script>',
  ampName: 'ops & "quotes" \'single\'\u2028line',
  ouPath: '/Root/Sandbox|*',
  tagOwner: '<script>alert(3)</script>',
  userAgent: '</script><img src=y onerror=alert(4)>',
  errorMessage: 'User <b>arn:aws:sts::x</b> is not authorized | `sts:AssumeRole`',
} as const;

export const FIXTURE_REGIONS: readonly string[] = [
  'us-east-1',
  'eu-west-1',
  'ap-southeast-2',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ca-central-1',
  'sa-east-1',
];

interface CheckDef {
  title: string;
  severity: ReportFinding['severity'];
  compliance: string[];
}

/** The v1 catalog as the fixture needs it (spec/checks.md). */
export const FIXTURE_CHECKS: Readonly<Record<string, CheckDef>> = {
  'org.account_assessed': { title: 'Account can be assessed', severity: 'high', compliance: [] },
  'cloudtrail.org_trail': {
    title: 'Organization trail records management events in all regions',
    severity: 'medium',
    compliance: ['CIS-3.0:3.1'],
  },
  'config.org_aggregator': {
    title: 'Organization Config aggregator exists',
    severity: 'low',
    compliance: [],
  },
  'cloudtrail.multi_region_trail': {
    title: 'Account has a logging multi-region trail',
    severity: 'high',
    compliance: ['CIS-3.0:3.1', 'SecurityHub:CloudTrail.1'],
  },
  'cloudtrail.s3_data_events': {
    title: 'S3 object-level events are recorded',
    severity: 'low',
    compliance: ['CIS-3.0:3.8', 'CIS-3.0:3.9'],
  },
  'cloudtrail.insights': { title: 'CloudTrail Insights is enabled', severity: 'low', compliance: [] },
  'config.global_resources': {
    title: 'AWS Config records global resources',
    severity: 'low',
    compliance: ['CIS-3.0:3.3'],
  },
  'cloudtrail.region_coverage': {
    title: 'Region is covered by a logging trail',
    severity: 'high',
    compliance: ['CIS-3.0:3.1', 'SecurityHub:CloudTrail.3'],
  },
  'config.recorder_enabled': {
    title: 'AWS Config recorder is recording',
    severity: 'medium',
    compliance: ['CIS-3.0:3.3', 'SecurityHub:Config.1'],
  },
  'config.delivery_channel': {
    title: 'AWS Config delivery channel is healthy',
    severity: 'medium',
    compliance: ['SecurityHub:Config.1'],
  },
  'config.correlation': {
    title: 'AWS Config rule evaluations agree with direct checks',
    severity: 'medium',
    compliance: [],
  },
  'cloudtrail.tamper_events': {
    title: 'No trail or recorder tampering events',
    severity: 'high',
    compliance: [],
  },
  'cloudtrail.trail_logging': {
    title: 'Trail is logging',
    severity: 'high',
    compliance: ['SecurityHub:CloudTrail.3'],
  },
  'cloudtrail.delivery_healthy': {
    title: 'Trail delivers logs without errors',
    severity: 'medium',
    compliance: [],
  },
  'cloudtrail.log_file_validation': {
    title: 'Trail log file validation is enabled',
    severity: 'medium',
    compliance: ['CIS-3.0:3.2', 'SecurityHub:CloudTrail.4'],
  },
  'cloudtrail.kms_encryption': {
    title: 'Trail logs are encrypted with KMS',
    severity: 'medium',
    compliance: ['CIS-3.0:3.5', 'SecurityHub:CloudTrail.2'],
  },
  'cloudtrail.cloudwatch_logs': {
    title: 'Trail delivers to CloudWatch Logs',
    severity: 'low',
    compliance: ['SecurityHub:CloudTrail.5'],
  },
  'cloudtrail.management_events': {
    title: 'Trail records management events fully',
    severity: 'high',
    compliance: ['SecurityHub:CloudTrail.1'],
  },
  'cloudtrail.global_service_events': {
    title: 'Multi-region trail includes global service events',
    severity: 'medium',
    compliance: [],
  },
  'cloudtrail.sns_notifications': { title: 'Trail notifies an SNS topic', severity: 'info', compliance: [] },
};

export interface FixtureOptions {
  /** Number of member accounts (the management account is one of them). Default 10. */
  accounts?: number;
  /** Number of regions in scope, at most FIXTURE_REGIONS.length. Default 3. */
  regions?: number;
  /** Plant the HOSTILE strings. Default true. */
  hostile?: boolean;
  /** Include drift against a previous run. Default true. */
  drift?: boolean;
}

const OUS = ['/Root/Workloads/Prod', '/Root/Workloads/Dev', '/Root/Security', '/Root/Sandbox'];

/** Account id of the fixture's i-th account. */
export function fixtureAccountId(i: number): string {
  return String(100000000000 + i);
}

/** The trail name the fixture gives account i (hostile for account 2). */
export function fixtureTrailName(i: number, hostile = true): string {
  return hostile && i === 2 ? HOSTILE.imgTrail : `acct-${i}-trail`;
}

function accountName(i: number, hostile: boolean): string {
  if (i === 0) return 'management';
  if (hostile) {
    if (i === 1) return HOSTILE.formulaName;
    if (i === 2) return HOSTILE.markdownName;
    if (i === 4) return HOSTILE.scriptName;
    if (i === 5) return HOSTILE.ampName;
  }
  return `acct-${i}`;
}

/** Builds a valid Report of `accounts` × `regions` (see FixtureOptions). */
export function buildReport(options: FixtureOptions = {}): Report {
  const nAccounts = options.accounts ?? 10;
  const nRegions = options.regions ?? 3;
  const hostile = options.hostile ?? true;
  if (nRegions > FIXTURE_REGIONS.length || nRegions < 1) throw new Error(`regions must be 1..17`);
  const regions = FIXTURE_REGIONS.slice(0, nRegions);
  const home = regions[0]!;
  const findings: ReportFinding[] = [];
  const accounts: AccountReport[] = [];

  const add = (
    checkId: string,
    status: ReportFinding['status'],
    accountId: string | null,
    region: string | null,
    resourceArn: string | null,
    message: string,
    evidence: Record<string, unknown>,
    waiver?: ReportFinding['waiver'],
  ): void => {
    const def = FIXTURE_CHECKS[checkId];
    if (!def) throw new Error(`unknown check ${checkId}`);
    const f: ReportFinding = {
      checkId,
      accountId,
      region,
      resourceArn,
      status,
      severity: def.severity,
      title: def.title,
      message,
      evidence,
      compliance: def.compliance,
    };
    if (waiver) f.waiver = waiver;
    findings.push(f);
  };

  const mgmt = fixtureAccountId(0);
  add('cloudtrail.org_trail', 'FAIL', null, null, null, 'No organization trail is logging in o-fixture.', {
    organizationTrails: [],
  });
  add('config.org_aggregator', 'PASS', null, null, null, 'Aggregator org-agg covers all regions.', {
    aggregator: 'org-agg',
    allRegions: true,
  });

  for (let i = 0; i < nAccounts; i++) {
    const id = fixtureAccountId(i);
    const name = accountName(i, hostile);
    const ouPath =
      i === 0 ? '/Root' : hostile && i % 4 === 3 ? HOSTILE.ouPath : (OUS[i % OUS.length] ?? '/Root');
    const kind = i === 0 ? 0 : i % 10;
    if (kind === 3) {
      const message = hostile ? HOSTILE.errorMessage : 'not authorized to perform sts:AssumeRole';
      accounts.push({
        accountId: id,
        name,
        ouPath,
        status: 'NOT_ASSESSED',
        error: { code: 'AccessDenied', message },
        regions: [],
      });
      add(
        'org.account_assessed',
        'FAIL',
        id,
        null,
        null,
        `Account ${name} could not be entered: AccessDenied.`,
        {
          errorCode: 'AccessDenied',
          errorMessage: message,
        },
      );
      continue;
    }
    if (kind === 7) {
      accounts.push({ accountId: id, name, ouPath, status: 'EXCLUDED', regions: [] });
      continue;
    }
    const regionStatuses = regions.map((region, r): AccountReport['regions'][number] => {
      const last = r === nRegions - 1 && nRegions > 1;
      if (kind === 5 && last) return { region, status: 'DISABLED' };
      if (kind === 6 && last)
        return { region, status: 'ERROR', error: { code: 'ThrottlingException', message: 'Rate exceeded' } };
      return { region, status: 'ASSESSED' };
    });
    accounts.push({ accountId: id, name, ouPath, status: 'ASSESSED', regions: regionStatuses });
    add('org.account_assessed', 'PASS', id, null, null, `Account ${name} was assessed.`, {
      roleAssumed: true,
    });

    const trailName = fixtureTrailName(i, hostile);
    const trailArn = `arn:aws:cloudtrail:${home}:${id}:trail/${trailName}`;
    const logging = i % 5 !== 2;
    const acct = (checkId: string, fail: boolean, what: string): void =>
      add(
        checkId,
        fail ? 'FAIL' : 'PASS',
        id,
        null,
        null,
        `Account ${name} ${fail ? 'lacks' : 'has'} ${what}.`,
        {
          trails: [trailArn],
        },
      );
    acct('cloudtrail.multi_region_trail', i % 3 === 1, 'a logging multi-region trail');
    acct('cloudtrail.s3_data_events', i % 2 === 0, 'S3 data events');
    acct('cloudtrail.insights', i % 4 !== 0, 'Insights selectors');
    acct('config.global_resources', false, 'a recorder for global resources');

    regionStatuses.forEach((rs, r) => {
      const region = rs.region;
      if (rs.status === 'DISABLED') return;
      if (rs.status === 'ERROR') {
        for (const checkId of [
          'cloudtrail.region_coverage',
          'config.recorder_enabled',
          'config.delivery_channel',
          'config.correlation',
          'cloudtrail.tamper_events',
        ]) {
          add(
            checkId,
            'ERROR',
            id,
            region,
            null,
            `Region ${region} of ${name} could not be read: ThrottlingException.`,
            {
              errorCode: 'ThrottlingException',
            },
          );
        }
        return;
      }
      const waived = kind === 8 && r === 0;
      const uncovered = waived || (i + r) % 4 === 1;
      add(
        'cloudtrail.region_coverage',
        waived ? 'WAIVED' : uncovered ? 'FAIL' : 'PASS',
        id,
        region,
        null,
        uncovered
          ? `No logging trail records management events in ${region} of ${name}.`
          : `Trail ${trailName} covers ${region} of ${name}.`,
        {
          coveringTrails: uncovered ? [] : [trailArn],
          trailsSeen: [{ name: trailName, isLogging: logging, multiRegion: true, readWriteType: 'All' }],
        },
        waived ? { reason: 'Sandbox region, accepted by <security>', expires: '2027-06-30' } : undefined,
      );
      const recorderFail = (i * 3 + r) % 5 === 0;
      add(
        'config.recorder_enabled',
        recorderFail ? 'FAIL' : 'PASS',
        id,
        region,
        null,
        `Recorder default in ${region} of ${name} is ${recorderFail ? 'not recording' : 'recording'}.`,
        {
          recorderName: 'default',
          recording: !recorderFail,
          lastStatus: recorderFail ? 'FAILURE' : 'SUCCESS',
        },
      );
      const channelError = (i + r) % 9 === 4;
      add(
        'config.delivery_channel',
        channelError ? 'ERROR' : 'PASS',
        id,
        region,
        null,
        channelError
          ? `DescribeDeliveryChannelStatus was denied in ${region} of ${name}.`
          : `Delivery channel default in ${region} of ${name} delivers.`,
        channelError ? { errorCode: 'AccessDenied' } : { channel: 'default', lastStatus: 'SUCCESS' },
      );
      const disagree = (i + r) % 7 === 2;
      add(
        'config.correlation',
        disagree ? 'FAIL' : 'PASS',
        id,
        region,
        disagree ? `arn:aws:config:${region}:${id}:config-rule/config-rule-${i}${r}` : null,
        disagree
          ? `CLOUD_TRAIL_ENABLED says COMPLIANT in ${region} of ${name}, the direct check says not covered.`
          : `AWS Config agrees with the direct verdicts in ${region} of ${name}.`,
        disagree ? { rule: 'CLOUD_TRAIL_ENABLED', config: 'COMPLIANT', direct: 'FAIL' } : { rules: 1 },
      );
      const tampered = kind === 9 && r === 0;
      add(
        'cloudtrail.tamper_events',
        tampered ? 'FAIL' : 'PASS',
        id,
        region,
        null,
        tampered
          ? `StopLogging was called on ${trailName} in ${region} of ${name}.`
          : `No tampering events in ${region} of ${name}.`,
        tampered
          ? {
              events: [
                {
                  eventName: 'StopLogging',
                  time: '2026-11-22T10:00:00Z',
                  actor: `arn:aws:sts::${id}:assumed-role/admin/mallory`,
                  sourceIp: '198.51.100.7',
                  userAgent: hostile ? HOSTILE.userAgent : 'aws-cli/2',
                },
              ],
            }
          : { events: [] },
      );
    });

    const trailEvidence = {
      trailName,
      homeRegion: home,
      isLogging: logging,
      isMultiRegionTrail: true,
      logFileValidationEnabled: i % 3 !== 0,
      kmsKeyId: i % 2 === 1 ? null : `arn:aws:kms:${home}:${id}:key/0000`,
      tags: hostile ? { Owner: HOSTILE.tagOwner, 'Cost|Center': '=1+1' } : { Owner: 'platform' },
    };
    const trail = (checkId: string, fail: boolean, what: string): void =>
      add(
        checkId,
        fail ? 'FAIL' : 'PASS',
        id,
        home,
        trailArn,
        `Trail ${trailName} in ${name} ${fail ? 'does not' : 'does'}: ${what}.`,
        trailEvidence,
      );
    trail('cloudtrail.trail_logging', !logging, 'log');
    if (logging) trail('cloudtrail.delivery_healthy', false, 'deliver without errors');
    trail('cloudtrail.log_file_validation', i % 3 === 0, 'validate log files');
    trail('cloudtrail.kms_encryption', i % 2 === 1, 'encrypt with KMS');
    trail('cloudtrail.cloudwatch_logs', i % 4 === 1, 'deliver to CloudWatch Logs');
    trail('cloudtrail.management_events', false, 'record management events');
    trail('cloudtrail.global_service_events', false, 'include global service events');
    trail('cloudtrail.sns_notifications', i % 2 === 0, 'notify SNS');
  }

  const report: Report = {
    schemaVersion: 1,
    runId: 'run-fixture-0001',
    status: 'COMPLETED',
    startedAt: '2026-11-23T20:00:00.000Z',
    finishedAt: '2026-11-23T20:05:00.000Z',
    organization: { id: 'o-fixture123', managementAccountId: mgmt },
    scope: { regions, accountCount: nAccounts },
    accounts,
    findings,
    summary: summarize(accounts, findings),
    drift: options.drift === false ? null : buildDrift(findings),
    expiredWaivers: [
      {
        check: 'cloudtrail.kms_encryption',
        reason: 'Legacy trail, migration <planned>',
        expires: '2026-01-31',
        accounts: [fixtureAccountId(Math.min(1, nAccounts - 1))],
      },
    ],
  };
  return report;
}

/** The summary as the store computes it: counts, coverage over audited account-regions, weighted score. */
export function summarize(accounts: readonly AccountReport[], findings: readonly ReportFinding[]): Summary {
  const byStatus = { PASS: 0, FAIL: 0, WAIVED: 0, ERROR: 0 };
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  let good = 0;
  let bad = 0;
  let covered = 0;
  for (const f of findings) {
    byStatus[f.status] += 1;
    if (f.status === 'FAIL') bySeverity[f.severity] += 1;
    const w = SCORE_WEIGHTS[f.severity];
    if (f.status === 'PASS' || f.status === 'WAIVED') good += w;
    else bad += w;
    if (f.checkId === 'cloudtrail.region_coverage' && f.status === 'PASS') covered += 1;
  }
  let accountRegions = 0;
  for (const a of accounts)
    if (a.status === 'ASSESSED') for (const r of a.regions) if (r.status !== 'DISABLED') accountRegions += 1;
  return {
    byStatus,
    bySeverity,
    coverage: { accountRegions, covered, ratio: accountRegions === 0 ? 0 : covered / accountRegions },
    score: good + bad === 0 ? 100 : Math.floor((1000 * good) / (good + bad)) / 10,
  };
}

function buildDrift(findings: readonly ReportFinding[]): Drift {
  const key = (f: ReportFinding) => ({
    checkId: f.checkId,
    accountId: f.accountId,
    region: f.region,
    resourceArn: f.resourceArn,
  });
  const fails = findings.filter((f) => f.status === 'FAIL');
  const passes = findings.filter((f) => f.status === 'PASS');
  const coverage = (status: ReportFinding['status']) =>
    findings
      .filter((f) => f.checkId === 'cloudtrail.region_coverage' && f.status === status)
      .map((f) => ({ accountId: f.accountId!, region: f.region! }));
  const changed = findings.find((f) => f.status === 'PASS' && f.checkId === 'config.recorder_enabled');
  return {
    previousRunId: 'run-fixture-0000',
    newFailures: fails.slice(0, 3).map(key),
    resolved: passes.slice(0, 2).map(key),
    changed: changed
      ? [
          {
            ...key(changed),
            from: { status: 'ERROR', severity: 'medium' },
            to: { status: 'PASS', severity: 'medium' },
          },
        ]
      : [],
    coverageLost: coverage('FAIL').slice(0, 2),
    coverageGained: coverage('PASS').slice(0, 1),
  };
}
