import { createHash, createHmac } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { findingKeyString, SEVERITIES, type Severity } from '../checks/types.js';
import type { TrailwardenConfig } from '../config/schema.js';
import type { Drift, Report, ReportFinding } from '../report/model.js';

/**
 * Drift alerts: after a run, what got worse since the previous run of the same scope (new failures at or
 * above alerts.minSeverity, coverage lost) and new tamper evidence. Each item carries an idempotency key
 * per (run, finding key), so a receiver that sees a delivery twice can drop the duplicate.
 */

export type AlertKind = 'new_failure' | 'coverage_lost' | 'tamper_events';

export interface AlertItem {
  idempotencyKey: string;
  kind: AlertKind;
  checkId: string;
  accountId: string | null;
  region: string | null;
  resourceArn: string | null;
  severity: Severity;
  message: string;
}

export interface Alert {
  runId: string;
  previousRunId: string | null;
  organizationId: string;
  items: AlertItem[];
}

export type AlertDestination = 'webhook' | 'sns';

/** Delivers a run's alert to one destination; built by the worker from its own alert configuration. */
export interface AlertSender {
  destinations(): AlertDestination[];
  deliver(destination: AlertDestination, alert: Alert): Promise<void>;
}

/** The idempotency key of one alert item. */
export function alertKey(
  runId: string,
  key: { checkId: string; accountId: string | null; region: string | null; resourceArn: string | null },
): string {
  return createHash('sha256')
    .update(`${runId}\n${findingKeyString(key)}`)
    .digest('hex')
    .slice(0, 32);
}

function tamperEventIds(f: ReportFinding | undefined): Set<string> {
  const events = (f?.evidence as { events?: { eventId?: string }[] } | undefined)?.events ?? [];
  return new Set(events.map((e) => e.eventId ?? '').filter(Boolean));
}

/**
 * What to alert on for `report` (with its drift block) given the previous run's report: pure, so the
 * same run always yields the same items and keys. The first run of a scope has no drift and is the
 * baseline: it alerts on nothing (its report has everything). An item's key is per (run, finding key), so
 * a subject appears once even when it is both a new failure and lost coverage or new tamper evidence (it
 * is reported as the latter, which says more).
 */
export function buildAlert(
  report: Pick<Report, 'runId' | 'organization' | 'drift' | 'findings'>,
  previous: Pick<Report, 'findings'> | undefined,
  minSeverity: Severity,
): Alert {
  const limit = SEVERITIES.indexOf(minSeverity);
  const byKey = new Map(report.findings.map((f) => [findingKeyString(f), f]));
  const items: AlertItem[] = [];
  const seen = new Set<string>();
  const push = (
    kind: AlertKind,
    f: Pick<ReportFinding, 'checkId' | 'accountId' | 'region' | 'resourceArn' | 'severity' | 'message'>,
  ) => {
    const idempotencyKey = alertKey(report.runId, f);
    if (seen.has(idempotencyKey)) return;
    seen.add(idempotencyKey);
    items.push({
      idempotencyKey,
      kind,
      checkId: f.checkId,
      accountId: f.accountId,
      region: f.region,
      resourceArn: f.resourceArn,
      severity: f.severity,
      message: f.message,
    });
  };
  const drift = report.drift;
  if (!drift)
    return { runId: report.runId, previousRunId: null, organizationId: report.organization.id, items };
  for (const c of drift.coverageLost) {
    const f = byKey.get(
      findingKeyString({
        checkId: 'cloudtrail.region_coverage',
        accountId: c.accountId,
        region: c.region,
        resourceArn: null,
      }),
    );
    push('coverage_lost', {
      checkId: 'cloudtrail.region_coverage',
      accountId: c.accountId,
      region: c.region,
      resourceArn: null,
      severity: f?.severity ?? 'high',
      message: f?.message ?? `account ${c.accountId} lost CloudTrail coverage in ${c.region}`,
    });
  }
  // Tamper evidence is alerted once: only events the previous run had not already reported.
  const before = new Map(
    (previous?.findings ?? []).filter((f) => f.checkId === TAMPER_CHECK).map((f) => [findingKeyString(f), f]),
  );
  for (const f of report.findings) {
    if (f.checkId !== TAMPER_CHECK || f.status !== 'FAIL') continue;
    const prior = before.get(findingKeyString(f));
    const old = tamperEventIds(prior);
    const now = tamperEventIds(f);
    const isNew = now.size === 0 ? prior?.status !== 'FAIL' : [...now].some((id) => !old.has(id));
    if (isNew) push('tamper_events', f);
  }
  for (const k of drift.newFailures) {
    const f = byKey.get(findingKeyString(k));
    if (f && SEVERITIES.indexOf(f.severity) <= limit) push('new_failure', f);
  }
  return {
    runId: report.runId,
    previousRunId: drift.previousRunId,
    organizationId: report.organization.id,
    items,
  };
}

/** The check whose findings are compared by event id between runs (see buildAlert). */
export const TAMPER_CHECK = 'cloudtrail.tamper_events';

/**
 * Whether buildAlert can need a finding of the current run: the subjects the drift names, and tamper
 * evidence. Lets the worker stream a huge run's findings and keep only these, instead of whole reports.
 */
export function alertRelevant(drift: Drift): (f: ReportFinding) => boolean {
  const wanted = new Set(drift.newFailures.map((k) => findingKeyString(k)));
  for (const c of drift.coverageLost) {
    wanted.add(
      findingKeyString({
        checkId: 'cloudtrail.region_coverage',
        accountId: c.accountId,
        region: c.region,
        resourceArn: null,
      }),
    );
  }
  return (f) => f.checkId === TAMPER_CHECK || wanted.has(findingKeyString(f));
}

/** Slack-compatible incoming-webhook body: a short text plus one line per item (capped). */
export function slackBody(alert: Alert, max = 20): string {
  const lines = alert.items.slice(0, max).map((i) => {
    const where = [i.accountId, i.region].filter(Boolean).join(' ');
    return `• *${i.kind.replace('_', ' ')}* \`${i.checkId}\` ${where} (${i.severity}): ${i.message}`;
  });
  if (alert.items.length > max) lines.push(`… and ${alert.items.length - max} more`);
  const text = `trailwarden: ${alert.items.length} posture alert(s) in run ${alert.runId}\n${lines.join('\n')}`;
  return JSON.stringify({
    text,
    trailwarden: { runId: alert.runId, keys: alert.items.map((i) => i.idempotencyKey) },
  });
}

/** SNS refuses messages over 256 KiB; leave room for the subject and attributes. */
export const SNS_MAX_MESSAGE_BYTES = 240 * 1024;

/**
 * The SNS message: the alert as JSON, with as many items as fit under SNS's size limit (a large
 * organization losing coverage everywhere would otherwise be refused, and retried, forever). What does not
 * fit is counted in `omittedItems`; the run's report has everything.
 */
export function snsMessage(alert: Alert, maxBytes = SNS_MAX_MESSAGE_BYTES): string {
  const full = JSON.stringify({ type: 'trailwarden.alert', ...alert });
  if (Buffer.byteLength(full) <= maxBytes) return full;
  const head = Buffer.byteLength(
    JSON.stringify({ type: 'trailwarden.alert', ...alert, items: [], omittedItems: alert.items.length }),
  );
  let budget = maxBytes - head;
  const items: AlertItem[] = [];
  for (const item of alert.items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (size > budget) break;
    budget -= size;
    items.push(item);
  }
  return JSON.stringify({
    type: 'trailwarden.alert',
    ...alert,
    items,
    omittedItems: alert.items.length - items.length,
  });
}

/** HMAC-SHA256 of `timestamp.body`, as sent in X-Trailwarden-Signature. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Raised when a destination refuses a delivery; Temporal retries the activity. */
export class AlertDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertDeliveryError';
  }
}

/**
 * The alert destinations of a worker's configuration. Secrets stay on the worker: the webhook HMAC secret
 * is read from the environment variable the configuration names.
 */
export function configuredAlertSender(
  alerts: TrailwardenConfig['alerts'],
  opts: { snsCredentials?: AwsCredentialIdentityProvider; endpoint?: string; env?: NodeJS.ProcessEnv } = {},
): AlertSender | undefined {
  const env = opts.env ?? process.env;
  const dests: AlertDestination[] = [];
  if (alerts.webhook) dests.push('webhook');
  if (alerts.sns) dests.push('sns');
  if (dests.length === 0) return undefined;
  return {
    destinations: () => dests,
    async deliver(destination, alert) {
      if (destination === 'webhook' && alerts.webhook) {
        const hook = alerts.webhook;
        const body =
          hook.format === 'slack'
            ? slackBody(alert)
            : JSON.stringify({ type: 'trailwarden.alert', ...alert });
        const timestamp = String(Math.floor(Date.now() / 1000));
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'idempotency-key': createHash('sha256')
            .update(`${alert.runId}\nwebhook`)
            .digest('hex')
            .slice(0, 32),
          'x-trailwarden-timestamp': timestamp,
        };
        if (hook.secretEnv) {
          const secret = env[hook.secretEnv];
          if (!secret)
            throw new AlertDeliveryError(
              `alerts.webhook.secretEnv names ${hook.secretEnv}, which is not set on this worker`,
            );
          headers['x-trailwarden-signature'] = signature(secret, timestamp, body);
        }
        let res: Response;
        try {
          res = await fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
        } catch (err) {
          throw new AlertDeliveryError(
            `webhook ${new URL(hook.url).host} unreachable: ${(err as Error).message}`,
          );
        }
        if (!res.ok)
          throw new AlertDeliveryError(`webhook ${new URL(hook.url).host} answered HTTP ${res.status}`);
        return;
      }
      if (destination === 'sns' && alerts.sns) {
        const region = alerts.sns.topicArn.split(':')[3] ?? 'us-east-1';
        const sns = new SNSClient({
          region,
          ...(opts.snsCredentials ? { credentials: opts.snsCredentials } : {}),
          ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        });
        try {
          await sns.send(
            new PublishCommand({
              TopicArn: alerts.sns.topicArn,
              Subject: `trailwarden: ${alert.items.length} posture alert(s)`.slice(0, 100),
              Message: snsMessage(alert),
              MessageAttributes: {
                'trailwarden.run': { DataType: 'String', StringValue: alert.runId },
              },
            }),
          );
        } finally {
          // One client per delivery: release its sockets rather than leak one pool per alert.
          sns.destroy();
        }
      }
    },
  };
}
