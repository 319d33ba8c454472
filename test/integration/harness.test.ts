import { createServer, type Server } from 'node:net';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeComplianceByConfigRuleCommand,
  DescribeDeliveryChannelStatusCommand,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS, type Scenario } from '../../emulator/index.js';
import { freePort } from '../../lib/net.js';
import * as helloActivities from '../fixtures/hello-activities.js';
import { type DevServer, type Emulator, startDevServer, startEmulator } from '../harness/index.js';

const scenario: Scenario = {
  regions: ['us-east-1', 'eu-west-1'],
  management: {
    trails: [{ name: 'org-trail', homeRegion: 'us-east-1', organization: true }],
  },
  ous: [
    {
      name: 'Workloads',
      accounts: [
        {
          key: 'prod',
          disabledRegions: ['eu-west-3'],
          trails: [
            {
              name: 'prod-local',
              homeRegion: 'eu-west-1',
              multiRegion: false,
              status: { LatestDeliveryError: 'AccessDenied' },
            },
          ],
          config: {
            'eu-west-1': {
              recorder: { lastStatus: 'FAILURE', lastErrorCode: 'AccessDenied' },
              deliveryChannel: { lastStatus: 'FAILURE', lastErrorCode: 'NoSuchBucket' },
              rules: [{ identifier: 'CLOUD_TRAIL_ENABLED', compliance: 'NON_COMPLIANT' }],
            },
          },
          events: [
            {
              region: 'eu-west-1',
              eventName: 'StopLogging',
              minutesAgo: 30,
              sourceIp: '198.51.100.7',
              resourceName: 'prod-local',
            },
          ],
        },
        { key: 'locked', auditRole: 'denied' },
      ],
    },
  ],
};

let emu: Emulator;

/** STS client using the caller's (management) credentials, endpoint taken from AWS_ENDPOINT_URL. */
function sts() {
  return new STSClient({ region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
}

async function assume(accountId: string) {
  const out = await sts().send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/TrailWardenAudit`,
      RoleSessionName: 'harness-test',
    }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

beforeAll(async () => {
  emu = await startEmulator(scenario);
  process.env.AWS_ENDPOINT_URL = emu.endpoint;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await emu?.stop();
});

describe('front proxy over moto', () => {
  it('routes a call made with assumed credentials to the assumed account and records it', async () => {
    const prod = emu.org.accounts.prod!.id;
    const creds = await assume(prod);
    const who = await new STSClient({ region: 'eu-west-1', credentials: creds }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(who.Account).toBe(prod);
    emu.proxy.clearCalls();
    const trails = await new CloudTrailClient({ region: 'eu-west-1', credentials: creds }).send(
      new DescribeTrailsCommand({ includeShadowTrails: true }),
    );
    const names = trails.trailList?.map((t) => `${t.Name}@${t.TrailARN?.split(':')[4]}`).sort();
    // Its own trail, plus the organization trail that moto only keeps in the management account.
    expect(names).toEqual([`org-trail@${emu.org.managementAccountId}`, `prod-local@${prod}`]);
    expect(emu.proxy.calls()).toEqual([
      expect.objectContaining({
        service: 'cloudtrail',
        operation: 'DescribeTrails',
        accountId: prod,
        region: 'eu-west-1',
        status: 200,
      }),
    ]);
  });

  it('serves organization-trail status to members and applies trail status overrides', async () => {
    const prod = emu.org.accounts.prod!.id;
    const ct = new CloudTrailClient({ region: 'us-east-1', credentials: await assume(prod) });
    const org = await ct.send(
      new GetTrailStatusCommand({
        Name: `arn:aws:cloudtrail:us-east-1:${emu.org.managementAccountId}:trail/org-trail`,
      }),
    );
    expect(org.IsLogging).toBe(true);
    const local = await new CloudTrailClient({ region: 'eu-west-1', credentials: await assume(prod) }).send(
      new GetTrailStatusCommand({ Name: `arn:aws:cloudtrail:eu-west-1:${prod}:trail/prod-local` }),
    );
    expect(local.LatestDeliveryError).toBe('AccessDenied');
  });

  it('serves LookupEvents, Config compliance and delivery channel status from the scenario', async () => {
    const prod = emu.org.accounts.prod!.id;
    const creds = await assume(prod);
    const ct = new CloudTrailClient({ region: 'eu-west-1', credentials: creds });
    const events = await ct.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
        StartTime: new Date(Date.now() - 7 * 86400_000),
      }),
    );
    expect(events.Events).toHaveLength(1);
    expect(JSON.parse(events.Events![0]!.CloudTrailEvent!).sourceIPAddress).toBe('198.51.100.7');
    const none = await ct.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteTrail' }],
      }),
    );
    expect(none.Events).toEqual([]);

    const cfg = new ConfigServiceClient({ region: 'eu-west-1', credentials: creds });
    const byRule = await cfg.send(new DescribeComplianceByConfigRuleCommand({}));
    expect(byRule.ComplianceByConfigRules).toEqual([
      expect.objectContaining({
        ConfigRuleName: 'cloud-trail-enabled',
        Compliance: expect.objectContaining({ ComplianceType: 'NON_COMPLIANT' }),
      }),
    ]);
    const details = await cfg.send(
      new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'cloud-trail-enabled' }),
    );
    expect(
      details.EvaluationResults?.[0]?.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId,
    ).toBe(prod);
    expect(details.EvaluationResults?.[0]?.ResultRecordedTime).toBeInstanceOf(Date);
    const channels = await cfg.send(new DescribeDeliveryChannelStatusCommand({}));
    expect(channels.DeliveryChannelsStatus?.[0]?.configSnapshotDeliveryInfo?.lastStatus).toBe('Failure');
  });

  it('reports opt-in regions the account has not enabled', async () => {
    const prod = emu.org.accounts.prod!.id;
    const ec2 = new EC2Client({ region: 'us-east-1', credentials: await assume(prod) });
    const out = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    const status = Object.fromEntries(out.Regions!.map((r) => [r.RegionName, r.OptInStatus]));
    // moto reports eu-west-3 as opt-in-not-required: the proxy applies the scenario's opt-in state.
    expect(status['eu-west-3']).toBe('not-opted-in');
    expect(status['eu-west-1']).not.toBe('not-opted-in');
  });

  it('lets the SDK retry a throttled call until it succeeds', async () => {
    const prod = emu.org.accounts.prod!.id;
    const creds = await assume(prod);
    const remove = emu.proxy.addFault({
      kind: 'throttle',
      service: 'cloudtrail',
      operation: 'DescribeTrails',
      accountId: prod,
      count: 2,
    });
    emu.proxy.clearCalls();
    try {
      const out = await new CloudTrailClient({
        region: 'eu-west-1',
        credentials: creds,
        maxAttempts: 4,
      }).send(new DescribeTrailsCommand({}));
      expect(out.trailList?.length).toBeGreaterThan(0);
      const calls = emu.proxy.calls().filter((c) => c.operation === 'DescribeTrails');
      expect(calls.map((c) => c.fault ?? c.status)).toEqual(['throttle', 'throttle', 200]);
    } finally {
      remove();
    }
  });

  it('returns AccessDenied with its code on AssumeRole into a locked account', async () => {
    const locked = emu.org.accounts.locked!.id;
    await expect(assume(locked)).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const prod = emu.org.accounts.prod!.id;
    const remove = emu.proxy.addFault({
      kind: 'accessDenied',
      service: 'sts',
      operation: 'AssumeRole',
      accountId: prod,
    });
    try {
      await expect(assume(prod)).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      remove();
    }
  });
});

describe('Temporal dev server', () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs a trivial workflow on a real worker', async () => {
    const taskQueue = `harness-${process.pid}`;
    const worker = await Worker.create({
      connection: server.nativeConnection,
      taskQueue,
      workflowsPath: new URL('../fixtures/hello-workflow.ts', import.meta.url).pathname,
      activities: helloActivities,
    });
    const result = await worker.runUntil(
      server.client.workflow.execute('hello', {
        taskQueue,
        workflowId: `hello-${Date.now()}`,
        args: ['trailwarden'],
      }),
    );
    expect(result).toBe(`hello, trailwarden (pid ${process.pid})`);
  });

  describe('when its port is taken', () => {
    let blocker: Server;
    let taken: number;
    beforeAll(async () => {
      blocker = createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      taken = (blocker.address() as { port: number }).port;
    });
    afterAll(async () => {
      await new Promise((r) => blocker.close(r));
    });

    it('starts on another port when the one it chose was taken before it could bind it', async () => {
      const offered: number[] = [];
      const other = await startDevServer({
        pickPort: async () => {
          const port = offered.length === 0 ? taken : await freePort();
          offered.push(port);
          return port;
        },
      });
      try {
        expect(offered[0]).toBe(taken);
        expect(offered).toHaveLength(2);
        expect(other.port).toBe(offered[1]);
        const ns = await other.client.workflowService.describeNamespace({ namespace: 'default' });
        expect(ns.namespaceInfo?.name).toBe('default');
      } finally {
        await other.stop();
      }
    });

    it('gives up on a fixed port that stays taken, naming the port', async () => {
      await expect(startDevServer({ port: taken })).rejects.toThrow(
        new RegExp(
          `port already in use on each of 5 attempts \\(frontend port ${taken}, fixed by the caller\\)`,
        ),
      );
    });
  });
});
