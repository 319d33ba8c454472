import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { StopConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Alert,
  type AlertItem,
  type AlertSender,
  configuredAlertSender,
} from '../../activities/alerts.js';
import { EMULATOR_CREDENTIALS, emulatorAccount, type Scenario } from '../../emulator/index.js';
import { regionState } from '../../emulator/state.js';
import { freePort } from '../../lib/net.js';
import { openMemoryStore } from '../../store/index.js';
import type { Store } from '../../store/types.js';
import { type AuditRunResult, auditRun, type deliverAlerts } from '../../workflows/audit.js';
import { startTestWorker, type TestWorker, testSettings } from '../harness/audit.js';
import { type DevServer, type Emulator, startDevServer, startEmulator } from '../harness/index.js';

// Drift alerts through the real workflows: each completed run starts `<runId>-alerts`, which delivers to
// every destination the worker is configured with, retrying until the destination accepts. Receivers are
// local HTTP servers; SNS is moto's. The runs share one store, so each run's drift is against the one
// before it, whichever worker ran it.

const REGION = 'us-east-1';
const SECRET = 'alerts-test-secret';
const settings = testSettings([REGION]);

const scenario: Scenario = {
  regions: [REGION],
  management: {
    trails: [{ name: 'org-trail', homeRegion: REGION, organization: true }],
    config: { [REGION]: { recorder: { includeGlobalResourceTypes: true }, deliveryChannel: {} } },
  },
  accounts: [
    { key: 'a', trails: [{ name: 'a-trail', homeRegion: REGION }] },
    { key: 'b', config: { [REGION]: { recorder: {}, deliveryChannel: {} } } },
  ],
};

interface Delivery {
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records every request, answers with what `answer` says for its path. */
async function startReceiver(
  answer: (path: string, n: number) => number = () => 200,
  port = 0,
): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const path = req.url ?? '';
      const status = answer(path, deliveries.filter((d) => d.path === path).length);
      deliveries.push({ path, status, headers: req.headers, body });
      res.writeHead(status).end(status === 200 ? 'ok' : 'try again');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** One worker with several senders behind the worker's single alert destination list. */
function allOf(...senders: (AlertSender | undefined)[]): AlertSender {
  const list = senders.filter((s): s is AlertSender => s !== undefined);
  return {
    destinations: () => [...new Set(list.flatMap((s) => s.destinations()))],
    async deliver(destination, alert) {
      for (const s of list) if (s.destinations().includes(destination)) await s.deliver(destination, alert);
    },
  };
}

let emu: Emulator;
let server: DevServer;
let store: Store;
let topicArn: string;
const workers: TestWorker[] = [];

async function worker(taskQueue: string, alerts: AlertSender): Promise<TestWorker> {
  const w = await startTestWorker({ server, emu, store, taskQueue, alerts });
  workers.push(w);
  return w;
}

async function audit(taskQueue: string, runId: string): Promise<AuditRunResult> {
  return server.client.workflow.execute(auditRun, { taskQueue, workflowId: runId, args: [{ settings }] });
}

const alertsOf = (runId: string) => server.client.workflow.getHandle<typeof deliverAlerts>(`${runId}-alerts`);

function generic(url: string): AlertSender {
  const sender = configuredAlertSender(
    { minSeverity: 'high', webhook: { url, format: 'generic', secretEnv: 'TW_SECRET' } },
    { env: { TW_SECRET: SECRET } },
  );
  if (!sender) throw new Error('a webhook configuration yields a sender');
  return sender;
}

/** A tamper event in event history, as CloudTrail would report it a minute ago. */
function plantTamperEvent(accountKey: string, eventName: string): string {
  const accountId = emu.org.accounts[accountKey]!.id;
  const eventId = randomUUID();
  const at = new Date(Date.now() - 60_000).toISOString();
  regionState(emu.proxy.state, accountId, REGION).events.push({
    EventId: eventId,
    EventName: eventName,
    EventTime: at,
    EventSource: 'cloudtrail.amazonaws.com',
    Username: 'mallory',
    AccessKeyId: 'ASIAEXAMPLEEVENTKEY0',
    ReadOnly: 'false',
    Resources: [{ ResourceType: 'AWS::CloudTrail::Trail', ResourceName: 'a-trail' }],
    CloudTrailEvent: JSON.stringify({
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${accountId}:user/mallory`, accountId },
      eventTime: at,
      eventSource: 'cloudtrail.amazonaws.com',
      eventName,
      awsRegion: REGION,
      sourceIPAddress: '203.0.113.9',
      userAgent: 'aws-cli/2.15.0',
      eventID: eventId,
    }),
  });
  return eventId;
}

async function client(accountKey: string) {
  return emulatorAccount(emu.moto.endpoint, emu.org.accounts[accountKey]!.id, emu.org.state.defaultAccountId);
}

/** What moto's SNS recorded as published to the topic: [messageId, message, subject, …]. */
async function snsMessages(): Promise<{ message: string; subject: string }[]> {
  const data = (await (await fetch(`${emu.moto.endpoint}/moto-api/data.json`)).json()) as {
    sns: { Topic: { arn: string; sent_notifications: [string, string, string][] }[] };
  };
  const topic = data.sns.Topic.find((t) => t.arn === topicArn);
  return (topic?.sent_notifications ?? []).map(([, message, subject]) => ({ message, subject }));
}

const keysOf = (body: string) =>
  ((JSON.parse(body) as Alert).items ?? []).map((i) => i.idempotencyKey).sort();

beforeAll(async () => {
  [emu, server, store] = await Promise.all([startEmulator(scenario), startDevServer(), openMemoryStore()]);
  const sns = (await client('management')).sns(REGION);
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'posture-drift' }))).TopicArn ?? '';
  sns.destroy();
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  await store?.close();
  await Promise.all([emu?.stop(), server?.stop()]);
});

describe('drift alerts', () => {
  let first: Awaited<ReturnType<typeof startReceiver>>;
  let second: Alert;

  beforeAll(async () => {
    first = await startReceiver();
  });
  afterAll(async () => {
    await first?.close();
  });

  it('the first run of a scope alerts nothing; the next one sends its drift to Slack, a signed webhook and SNS', async () => {
    const w = await worker(
      'alerts-1',
      allOf(
        configuredAlertSender({
          minSeverity: 'high',
          webhook: { url: `${first.url}/slack`, format: 'slack' },
        }),
        generic(`${first.url}/generic`),
        configuredAlertSender(
          { minSeverity: 'high', sns: { topicArn } },
          { snsCredentials: async () => EMULATOR_CREDENTIALS, endpoint: emu.endpoint },
        ),
      ),
    );
    await audit('alerts-1', 'run-1');
    expect(await alertsOf('run-1').result()).toEqual({ destinations: 2, items: 0 });
    expect(first.deliveries).toEqual([]);
    expect(await snsMessages()).toEqual([]);

    // Make things worse: the organization trail and a's own trail stop (coverage lost, high new
    // failures), b's Config recorder stops (a medium failure, under the threshold), and someone's
    // StopLogging shows up in a's event history.
    const mgmt = await client('management');
    await mgmt.cloudtrail(REGION).send(new StopLoggingCommand({ Name: 'org-trail' }));
    await (await client('a')).cloudtrail(REGION).send(new StopLoggingCommand({ Name: 'a-trail' }));
    await (await client('b'))
      .config(REGION)
      .send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    plantTamperEvent('a', 'StopLogging');

    const result = await audit('alerts-1', 'run-2');
    const sent = await alertsOf('run-2').result();
    expect(sent.destinations).toBe(2);
    await w.stop();

    const report = await store.buildReport('run-2');
    expect(report.drift?.previousRunId).toBe('run-1');
    expect(result.findings.FAIL).toBeGreaterThan(0);

    const hooks = (path: string) => first.deliveries.filter((d) => d.path === path);
    expect(hooks('/slack')).toHaveLength(1);
    expect(hooks('/generic')).toHaveLength(1);
    second = JSON.parse(hooks('/generic')[0]!.body) as Alert & { type: string };
    expect(second).toMatchObject({ type: 'trailwarden.alert', runId: 'run-2', previousRunId: 'run-1' });
    expect(sent.items).toBe(second.items.length);

    const [mgmtId, a, b] = [emu.org.managementAccountId, emu.org.accounts.a!.id, emu.org.accounts.b!.id];
    const item = (i: AlertItem) => `${i.kind} ${i.checkId} ${i.accountId} ${i.resourceArn ?? ''}`.trim();
    expect(second.items.map(item).sort()).toEqual(
      [
        `coverage_lost cloudtrail.region_coverage ${mgmtId}`,
        `coverage_lost cloudtrail.region_coverage ${a}`,
        `coverage_lost cloudtrail.region_coverage ${b}`,
        `new_failure cloudtrail.multi_region_trail ${mgmtId}`,
        `new_failure cloudtrail.multi_region_trail ${a}`,
        `new_failure cloudtrail.multi_region_trail ${b}`,
        `new_failure cloudtrail.trail_logging ${mgmtId} arn:aws:cloudtrail:${REGION}:${mgmtId}:trail/org-trail`,
        `new_failure cloudtrail.trail_logging ${a} arn:aws:cloudtrail:${REGION}:${a}:trail/a-trail`,
        `tamper_events cloudtrail.tamper_events ${a}`,
      ].sort(),
    );
    // The medium failure is below alerts.minSeverity.
    expect(report.drift?.newFailures.map((k) => k.checkId)).toContain('config.recorder_enabled');
    expect(second.items.map((i) => i.checkId)).not.toContain('config.recorder_enabled');
  });

  it('signs the generic webhook with HMAC-SHA256 over "<timestamp>.<body>"', () => {
    const d = first.deliveries.find((x) => x.path === '/generic')!;
    const ts = String(d.headers['x-trailwarden-timestamp']);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(300);
    const mac = createHmac('sha256', SECRET).update(`${ts}.${d.body}`).digest('hex');
    expect(d.headers['x-trailwarden-signature']).toBe(`sha256=${mac}`);
    const forged = createHmac('sha256', 'not-the-secret').update(`${ts}.${d.body}`).digest('hex');
    expect(d.headers['x-trailwarden-signature']).not.toBe(`sha256=${forged}`);
    expect(d.headers['content-type']).toBe('application/json');
  });

  it('gives Slack a readable text and the same keys', () => {
    const d = first.deliveries.find((x) => x.path === '/slack')!;
    const body = JSON.parse(d.body) as { text: string; trailwarden: { runId: string; keys: string[] } };
    expect(body.text.split('\n')[0]).toBe(
      `trailwarden: ${second.items.length} posture alert(s) in run run-2`,
    );
    expect(body.text).toContain('*tamper events* `cloudtrail.tamper_events`');
    expect(body.trailwarden.runId).toBe('run-2');
    expect([...body.trailwarden.keys].sort()).toEqual(second.items.map((i) => i.idempotencyKey).sort());
  });

  it('publishes the same alert to the SNS topic (in moto)', async () => {
    const messages = await snsMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.subject).toBe(`trailwarden: ${second.items.length} posture alert(s)`);
    expect(JSON.parse(messages[0]?.message ?? '{}')).toEqual(second);
  });

  it('retries a receiver that answers 500 until it accepts: one accepted delivery per key, same keys each time', async () => {
    const flaky = await startReceiver((_, n) => (n < 3 ? 500 : 200));
    try {
      await worker('alerts-2', generic(`${flaky.url}/flaky`));
      plantTamperEvent('a', 'DeleteTrail');
      await audit('alerts-2', 'run-3');
      const sent = await alertsOf('run-3').result();
      expect(sent.items).toBeGreaterThan(0);

      expect(flaky.deliveries.map((d) => d.status)).toEqual([500, 500, 500, 200]);
      const keys = flaky.deliveries.map((d) => keysOf(d.body));
      for (const k of keys) expect(k).toEqual(keys[0]);
      expect(new Set(flaky.deliveries.map((d) => d.headers['idempotency-key'])).size).toBe(1);
      const accepted = flaky.deliveries.filter((d) => d.status === 200).flatMap((d) => keysOf(d.body));
      expect(accepted).toHaveLength(sent.items);
      expect(new Set(accepted).size).toBe(accepted.length);
      // Keys belong to this run: none repeats one of run-2's.
      expect(accepted.some((k) => second.items.some((i) => i.idempotencyKey === k))).toBe(false);
    } finally {
      await flaky.close();
    }
  });

  it('delivers to a receiver that was down once it is back, without holding up the run', async () => {
    const port = await freePort();
    await worker('alerts-3', generic(`http://127.0.0.1:${port}/late`));
    plantTamperEvent('a', 'UpdateTrail');
    const result = await audit('alerts-3', 'run-4');
    expect(result.status).toBe('COMPLETED');

    // The run is over; its alerts are still being retried against the closed port. No event says
    // "attempt failed", so poll the pending activity until a second attempt has failed.
    const handle = alertsOf('run-4');
    let failure = '';
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const d = await handle.describe();
      expect(d.status.name).toBe('RUNNING');
      const pending = d.raw.pendingActivities?.[0];
      if ((pending?.attempt ?? 0) >= 2 && pending?.lastFailure?.message) {
        failure = pending.lastFailure.message;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(failure).toMatch(/^webhook 127\.0\.0\.1:\d+ unreachable/);
    expect((await store.getRun('run-4'))?.status).toBe('COMPLETED');

    const late = await startReceiver(() => 200, port);
    try {
      const sent = await handle.result();
      expect(sent.items).toBeGreaterThan(0);
      expect(late.deliveries).toHaveLength(1);
      expect(JSON.parse(late.deliveries[0]!.body)).toMatchObject({ runId: 'run-4', previousRunId: 'run-3' });
      expect(keysOf(late.deliveries[0]!.body)).toHaveLength(sent.items);
    } finally {
      await late.close();
    }
  });
});
