import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FindingKey } from '../checks/types.js';
import type { Drift, Report, ReportFinding } from '../report/model.js';
import {
  type Alert,
  AlertDeliveryError,
  alertKey,
  alertRelevant,
  buildAlert,
  configuredAlertSender,
  signature,
  slackBody,
  snsMessage,
} from './alerts.js';

const A = '111111111111';
const B = '222222222222';
const TRAIL = `arn:aws:cloudtrail:us-east-1:${A}:trail/main`;

function finding(
  checkId: string,
  status: ReportFinding['status'],
  severity: ReportFinding['severity'],
  subject: Partial<FindingKey> = {},
  evidence: Record<string, unknown> = {},
): ReportFinding {
  return {
    checkId,
    status,
    severity,
    accountId: subject.accountId === undefined ? A : subject.accountId,
    region: subject.region === undefined ? 'us-east-1' : subject.region,
    resourceArn: subject.resourceArn ?? null,
    title: checkId,
    message: `${checkId} ${status} in ${subject.accountId ?? A}`,
    evidence,
    compliance: [],
  };
}

const keyOf = (f: ReportFinding): FindingKey => ({
  checkId: f.checkId,
  accountId: f.accountId,
  region: f.region,
  resourceArn: f.resourceArn,
});

function tamper(status: 'PASS' | 'FAIL', eventIds: string[], accountId = A): ReportFinding {
  return finding(
    'cloudtrail.tamper_events',
    status,
    'high',
    { accountId },
    status === 'FAIL' ? { events: eventIds.map((eventId) => ({ eventId, eventName: 'StopLogging' })) } : {},
  );
}

function report(runId: string, findings: ReportFinding[], drift: Partial<Drift> | null): Report {
  return {
    schemaVersion: 1,
    runId,
    status: 'COMPLETED',
    startedAt: '2026-11-01T00:00:00.000Z',
    finishedAt: '2026-11-01T00:01:00.000Z',
    organization: { id: 'o-test', managementAccountId: A },
    scope: { regions: ['us-east-1'], accountCount: 2 },
    accounts: [],
    findings,
    summary: {
      byStatus: { PASS: 0, FAIL: 0, WAIVED: 0, ERROR: 0 },
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      coverage: { accountRegions: 0, covered: 0, ratio: 0 },
      score: 0,
    },
    drift:
      drift === null
        ? null
        : {
            previousRunId: 'run-1',
            newFailures: [],
            resolved: [],
            changed: [],
            coverageLost: [],
            coverageGained: [],
            ...drift,
          },
  };
}

const kinds = (alert: Alert) => alert.items.map((i) => `${i.kind} ${i.checkId} ${i.accountId} ${i.region}`);

describe('alertRelevant', () => {
  it('keeps exactly what buildAlert needs: the same alert from the kept findings as from the whole run', () => {
    const high = finding('cloudtrail.trail_logging', 'FAIL', 'high', { resourceArn: TRAIL });
    const stillFailing = finding('cloudtrail.log_file_validation', 'FAIL', 'medium', { resourceArn: TRAIL });
    const coverage = finding('cloudtrail.region_coverage', 'FAIL', 'high', {
      accountId: B,
      region: 'eu-west-1',
    });
    const passing = finding('config.recorder_enabled', 'PASS', 'medium', { accountId: B });
    const previous = report('run-1', [tamper('FAIL', ['e1']), passing], null);
    const full = report('run-2', [high, stillFailing, coverage, passing, tamper('FAIL', ['e1', 'e2'])], {
      newFailures: [keyOf(high), keyOf(coverage)],
      coverageLost: [{ accountId: B, region: 'eu-west-1' }],
    });
    const keep = alertRelevant(full.drift!);
    const kept = full.findings.filter(keep);
    expect(kept.map((f) => f.checkId)).toEqual([
      'cloudtrail.trail_logging',
      'cloudtrail.region_coverage',
      'cloudtrail.tamper_events',
    ]);
    const pruned = buildAlert(
      { ...full, findings: kept },
      { findings: previous.findings.filter(keep) },
      'info',
    );
    expect(pruned).toEqual(buildAlert(full, previous, 'info'));
    expect(pruned.items).toHaveLength(3);
  });
});

describe('buildAlert', () => {
  it('alerts on nothing for the first run of a scope (no drift), even with failures and tamper events', () => {
    const r = report(
      'run-1',
      [finding('cloudtrail.trail_logging', 'FAIL', 'high', { resourceArn: TRAIL }), tamper('FAIL', ['e1'])],
      null,
    );
    const alert = buildAlert(r, undefined, 'info');
    expect(alert.items).toEqual([]);
    expect(alert.previousRunId).toBeNull();
  });

  it('alerts on new failures at or above the minimum severity, and on nothing that got better', () => {
    const high = finding('cloudtrail.trail_logging', 'FAIL', 'high', { resourceArn: TRAIL });
    const medium = finding('cloudtrail.log_file_validation', 'FAIL', 'medium', { resourceArn: TRAIL });
    const low = finding('cloudtrail.insights', 'FAIL', 'low', { region: null });
    const fixed = finding('config.recorder_enabled', 'PASS', 'medium', { accountId: B });
    const changed = finding('config.delivery_channel', 'ERROR', 'medium', { accountId: B });
    const r = report('run-2', [high, medium, low, fixed, changed], {
      newFailures: [keyOf(high), keyOf(medium), keyOf(low)],
      resolved: [keyOf(fixed)],
      changed: [
        {
          ...keyOf(changed),
          from: { status: 'PASS', severity: 'medium' },
          to: { status: 'ERROR', severity: 'medium' },
        },
      ],
      coverageGained: [{ accountId: B, region: 'eu-west-1' }],
    });
    expect(kinds(buildAlert(r, undefined, 'high'))).toEqual([
      `new_failure cloudtrail.trail_logging ${A} us-east-1`,
    ]);
    // The threshold is inclusive, and 'info' lets everything through.
    expect(kinds(buildAlert(r, undefined, 'medium'))).toEqual([
      `new_failure cloudtrail.trail_logging ${A} us-east-1`,
      `new_failure cloudtrail.log_file_validation ${A} us-east-1`,
    ]);
    expect(buildAlert(r, undefined, 'info').items).toHaveLength(3);
    expect(buildAlert(r, undefined, 'critical').items).toEqual([]);
  });

  it('carries what the receiver needs to act on an item', () => {
    const high = finding('cloudtrail.trail_logging', 'FAIL', 'high', { resourceArn: TRAIL });
    const alert = buildAlert(report('run-2', [high], { newFailures: [keyOf(high)] }), undefined, 'high');
    expect(alert).toEqual({
      runId: 'run-2',
      previousRunId: 'run-1',
      organizationId: 'o-test',
      items: [
        {
          idempotencyKey: alertKey('run-2', keyOf(high)),
          kind: 'new_failure',
          checkId: 'cloudtrail.trail_logging',
          accountId: A,
          region: 'us-east-1',
          resourceArn: TRAIL,
          severity: 'high',
          message: high.message,
        },
      ],
    });
  });

  it('alerts on lost coverage whatever the threshold, once per account-region, as coverage lost', () => {
    const coverage = finding('cloudtrail.region_coverage', 'FAIL', 'high', {
      accountId: B,
      region: 'eu-west-1',
    });
    const r = report('run-2', [coverage], {
      newFailures: [keyOf(coverage)],
      coverageLost: [
        { accountId: B, region: 'eu-west-1' },
        // No finding for this one (the region was not evaluated this time): still said, in words.
        { accountId: B, region: 'ap-south-1' },
      ],
    });
    const alert = buildAlert(r, undefined, 'critical');
    expect(kinds(alert)).toEqual([
      `coverage_lost cloudtrail.region_coverage ${B} eu-west-1`,
      `coverage_lost cloudtrail.region_coverage ${B} ap-south-1`,
    ]);
    expect(alert.items[0]?.message).toBe(coverage.message);
    expect(alert.items[1]?.message).toBe(`account ${B} lost CloudTrail coverage in ap-south-1`);
    expect(alert.items[1]?.severity).toBe('high');
    // Also a new failure at the threshold: still one item for the subject, keyed like the finding.
    const again = buildAlert(r, undefined, 'high');
    expect(kinds(again)).toEqual(kinds(alert));
    expect(again.items[0]?.idempotencyKey).toBe(alertKey('run-2', keyOf(coverage)));
  });

  it('alerts on tamper events once: new ones yes, ones the previous run reported no', () => {
    const previous = report('run-1', [tamper('FAIL', ['e1']), tamper('PASS', [], B)], null);
    const seenBefore = tamper('FAIL', ['e1']);
    const firstTime = tamper('FAIL', ['e7'], B);
    const r = report('run-2', [seenBefore, firstTime], { newFailures: [keyOf(firstTime)] });
    expect(kinds(buildAlert(r, previous, 'high'))).toEqual([
      `tamper_events cloudtrail.tamper_events ${B} us-east-1`,
    ]);
    // A further event in a region already failing is new evidence.
    const more = report('run-3', [tamper('FAIL', ['e1', 'e2']), tamper('FAIL', ['e7'], B)], {
      previousRunId: 'run-2',
    });
    expect(kinds(buildAlert(more, r, 'high'))).toEqual([
      `tamper_events cloudtrail.tamper_events ${A} us-east-1`,
    ]);
    // Nothing new: nothing to say, at any threshold.
    const same = report('run-4', [tamper('FAIL', ['e1', 'e2']), tamper('FAIL', ['e7'], B)], {
      previousRunId: 'run-3',
    });
    expect(buildAlert(same, more, 'info').items).toEqual([]);
  });

  it('alerts on tamper events whatever the threshold', () => {
    const t = tamper('FAIL', ['e9']);
    const alert = buildAlert(report('run-2', [t], { newFailures: [keyOf(t)] }), undefined, 'critical');
    expect(kinds(alert)).toEqual([`tamper_events cloudtrail.tamper_events ${A} us-east-1`]);
  });

  it('does not repeat a tamper FAIL without event ids that was already failing', () => {
    const bare = () => finding('cloudtrail.tamper_events', 'FAIL', 'high');
    const previous = report('run-1', [bare()], null);
    expect(buildAlert(report('run-2', [bare()], {}), previous, 'high').items).toEqual([]);
    const wasPassing = report('run-1', [finding('cloudtrail.tamper_events', 'PASS', 'high')], null);
    expect(buildAlert(report('run-2', [bare()], {}), wasPassing, 'high').items).toHaveLength(1);
  });

  it('gives every item a key that is stable per (run, finding key) and differs across runs and subjects', () => {
    const f1 = finding('cloudtrail.trail_logging', 'FAIL', 'high', { resourceArn: TRAIL });
    const f2 = finding('cloudtrail.trail_logging', 'FAIL', 'high', { resourceArn: `${TRAIL}-2` });
    const drift = { newFailures: [keyOf(f1), keyOf(f2)] };
    const a = buildAlert(report('run-2', [f1, f2], drift), undefined, 'high');
    const b = buildAlert(report('run-2', [f2, f1], drift), undefined, 'high');
    const c = buildAlert(report('run-3', [f1, f2], drift), undefined, 'high');
    const keys = (x: Alert) => x.items.map((i) => i.idempotencyKey).sort();
    expect(keys(a)).toEqual(keys(b));
    expect(new Set(keys(a)).size).toBe(2);
    expect(keys(c).some((k) => keys(a).includes(k))).toBe(false);
    for (const k of keys(a)) expect(k).toMatch(/^[0-9a-f]{32}$/);
    expect(alertKey('run-2', keyOf(f1))).toBe(alertKey('run-2', { ...keyOf(f1) }));
    expect(alertKey('run-2', keyOf(f1))).not.toBe(alertKey('run-2', { ...keyOf(f1), region: 'us-east-2' }));
  });

  it('leaves its inputs untouched', () => {
    const f = finding('cloudtrail.trail_logging', 'FAIL', 'high', { resourceArn: TRAIL });
    const r = report('run-2', [f, tamper('FAIL', ['e1'])], { newFailures: [keyOf(f)] });
    const before = JSON.stringify(r);
    buildAlert(r, undefined, 'high');
    expect(JSON.stringify(r)).toBe(before);
  });
});

describe('alert bodies', () => {
  const items = Array.from({ length: 25 }, (_, i) => ({
    idempotencyKey: `k${i}`.padEnd(32, '0'),
    kind: 'coverage_lost' as const,
    checkId: 'cloudtrail.region_coverage',
    accountId: A,
    region: `region-${i}`,
    resourceArn: null,
    severity: 'high' as const,
    message: `lost coverage ${i}`,
  }));
  const alert: Alert = { runId: 'run-2', previousRunId: 'run-1', organizationId: 'o-test', items };

  it('Slack: a headline, one line per item up to the cap, and every key', () => {
    const body = JSON.parse(slackBody(alert, 20)) as {
      text: string;
      trailwarden: { runId: string; keys: string[] };
    };
    const lines = body.text.split('\n');
    expect(lines[0]).toBe('trailwarden: 25 posture alert(s) in run run-2');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[1]).toBe(
      `• *coverage lost* \`cloudtrail.region_coverage\` ${A} region-0 (high): lost coverage 0`,
    );
    expect(lines.at(-1)).toBe('… and 5 more');
    expect(body.trailwarden).toEqual({ runId: 'run-2', keys: items.map((i) => i.idempotencyKey) });
  });

  it('signature: sha256= HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', 's3cret').update('1700000000.{"a":1}').digest('hex');
    expect(signature('s3cret', '1700000000', '{"a":1}')).toBe(`sha256=${expected}`);
    expect(signature('other', '1700000000', '{"a":1}')).not.toBe(`sha256=${expected}`);
  });

  it('SNS: the whole alert when it fits, otherwise as many items as fit and the count of the rest', () => {
    expect(JSON.parse(snsMessage(alert))).toEqual({ type: 'trailwarden.alert', ...alert });
    const small = snsMessage(alert, 2000);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(2000);
    const parsed = JSON.parse(small) as { items: unknown[]; omittedItems: number; runId: string };
    expect(parsed.runId).toBe('run-2');
    expect(parsed.items.length).toBeGreaterThan(0);
    expect(parsed.items.length + parsed.omittedItems).toBe(25);
    expect(parsed.items).toEqual(items.slice(0, parsed.items.length));
  });
});

describe('configuredAlertSender', () => {
  it('has the destinations the configuration names, and is absent without any', () => {
    expect(configuredAlertSender({ minSeverity: 'high' })).toBeUndefined();
    const both = configuredAlertSender({
      minSeverity: 'high',
      webhook: { url: 'http://127.0.0.1:1/hook', format: 'generic' },
      sns: { topicArn: `arn:aws:sns:us-east-1:${A}:drift` },
    });
    expect(both?.destinations()).toEqual(['webhook', 'sns']);
  });

  it('refuses to send unsigned when the secret variable it names is not set on the worker', async () => {
    const sender = configuredAlertSender(
      {
        minSeverity: 'high',
        webhook: { url: 'http://127.0.0.1:1/hook', format: 'generic', secretEnv: 'TW_SECRET' },
      },
      { env: {} },
    );
    const alert: Alert = { runId: 'r', previousRunId: 'p', organizationId: 'o', items: [] };
    const err = await sender?.deliver('webhook', alert).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertDeliveryError);
    expect((err as Error).message).toMatch(/TW_SECRET, which is not set on this worker/);
  });
});
