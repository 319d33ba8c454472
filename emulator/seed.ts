import { randomUUID } from 'node:crypto';
import {
  CloudTrailClient,
  CreateTrailCommand,
  PutEventSelectorsCommand,
  PutInsightSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  PutConfigRuleCommand,
  PutConfigurationAggregatorCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  TagResourceCommand,
} from '@aws-sdk/client-organizations';
import { type BucketLocationConstraint, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  defaultRuleName,
  type Scenario,
  type ScenarioAccount,
  type ScenarioAccountBody,
  type ScenarioOu,
  type ScenarioTrail,
} from './scenario.js';
import { accountState, type EmulatorState, eventSourceOf, regionState } from './state.js';

/** Credentials moto attributes to its default account: the organization's management account. */
export const EMULATOR_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIAEMULATORSEED0000',
  secretAccessKey: 'emulator-seed-secret',
};

/** What seeding produced: generated ids by scenario key, and the state for the front proxy. */
export interface SeededOrganization {
  organizationId: string;
  managementAccountId: string;
  rootId: string;
  /** By scenario key; the management account is under 'management'. */
  accounts: Record<string, { id: string; name: string; ouPath: string }>;
  /** OU ids by path relative to the root (e.g. /Workloads/Prod). */
  ous: Record<string, string>;
  state: EmulatorState;
}

/** SDK clients for one account of the emulated organization, talking straight to moto. */
export class EmulatorAccount {
  constructor(
    readonly motoEndpoint: string,
    readonly accountId: string,
    private readonly credentials: AwsCredentialIdentity,
  ) {}

  private cfg(region: string) {
    return { region, endpoint: this.motoEndpoint, credentials: this.credentials, maxAttempts: 5 };
  }
  cloudtrail(region: string) {
    return new CloudTrailClient(this.cfg(region));
  }
  config(region: string) {
    return new ConfigServiceClient(this.cfg(region));
  }
  s3(region: string) {
    return new S3Client({ ...this.cfg(region), forcePathStyle: true });
  }
  sns(region: string) {
    return new SNSClient(this.cfg(region));
  }
  organizations() {
    return new OrganizationsClient(this.cfg('us-east-1'));
  }
}

/** Clients acting as `accountId` in moto (assumes a role there unless it is the default account). */
export async function emulatorAccount(
  motoEndpoint: string,
  accountId: string,
  defaultAccountId: string,
): Promise<EmulatorAccount> {
  if (accountId === defaultAccountId)
    return new EmulatorAccount(motoEndpoint, accountId, EMULATOR_CREDENTIALS);
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: motoEndpoint,
    credentials: EMULATOR_CREDENTIALS,
  });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'emulator-seed',
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`moto returned no credentials for ${accountId}`);
  return new EmulatorAccount(motoEndpoint, accountId, {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  });
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/**
 * Seeds moto with a scenario organization through the AWS SDK and returns the generated ids plus the
 * emulator state the front proxy serves for what moto lacks. The caller's (moto default) account becomes
 * the management account.
 */
export async function seedScenario(
  scenario: Scenario,
  opts: { motoEndpoint: string; concurrency?: number; now?: Date },
): Promise<SeededOrganization> {
  const now = opts.now ?? new Date();
  const org = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: opts.motoEndpoint,
    credentials: EMULATOR_CREDENTIALS,
  });
  const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const organizationId = created.Organization?.Id ?? '';
  const managementAccountId = created.Organization?.MasterAccountId ?? '';
  const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  const state: EmulatorState = {
    defaultAccountId: managementAccountId,
    managementAccountId,
    organizationId,
    accounts: {},
    trailStatus: {},
  };
  const seeded: SeededOrganization = {
    organizationId,
    managementAccountId,
    rootId,
    accounts: {},
    ous: {},
    state,
  };
  seeded.accounts.management = {
    id: managementAccountId,
    name: scenario.management?.name ?? 'management',
    ouPath: '/',
  };
  accountState(state, managementAccountId);

  const placements: { account: ScenarioAccount; parentId: string; ouPath: string }[] = [];
  for (const a of scenario.accounts ?? []) placements.push({ account: a, parentId: rootId, ouPath: '/' });
  const createOus = async (ous: ScenarioOu[], parentId: string, parentPath: string) => {
    for (const ou of ous) {
      const path = `${parentPath === '/' ? '' : parentPath}/${ou.name}`;
      const res = await org.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: ou.name }));
      const id = res.OrganizationalUnit?.Id ?? '';
      seeded.ous[path] = id;
      for (const a of ou.accounts ?? []) placements.push({ account: a, parentId: id, ouPath: path });
      await createOus(ou.ous ?? [], id, path);
    }
  };
  await createOus(scenario.ous ?? [], rootId, '/');

  const bodies: { id: string; body: ScenarioAccountBody }[] = [];
  if (scenario.management) bodies.push({ id: managementAccountId, body: scenario.management });
  // Accounts are created one by one so generated ids follow the scenario's order.
  for (const { account, ouPath } of placements) {
    if (seeded.accounts[account.key]) throw new Error(`scenario: duplicate account key ${account.key}`);
    const name = account.name ?? account.key;
    const res = await org.send(
      new CreateAccountCommand({ AccountName: name, Email: account.email ?? `${account.key}@example.com` }),
    );
    const id = res.CreateAccountStatus?.AccountId ?? '';
    seeded.accounts[account.key] = { id, name, ouPath };
    accountState(state, id);
    bodies.push({ id, body: account });
  }
  await pool(
    placements.map((p) => ({ ...p, id: seeded.accounts[p.account.key]!.id })),
    opts.concurrency ?? 8,
    async ({ account, parentId, id }) => {
      if (parentId !== rootId) {
        await org.send(
          new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: parentId }),
        );
      }
      if (account.tags && Object.keys(account.tags).length) {
        await org.send(
          new TagResourceCommand({
            ResourceId: id,
            Tags: Object.entries(account.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
      }
      if (account.suspended) await org.send(new CloseAccountCommand({ AccountId: id }));
      if (account.delegatedConfigAdmin) {
        // moto refuses this principal; the front proxy answers ListDelegatedAdministrators for it.
        const admins = state.delegatedAdministrators ?? {};
        admins['config.amazonaws.com'] = [...(admins['config.amazonaws.com'] ?? []), id];
        state.delegatedAdministrators = admins;
      }
    },
  );

  await pool(bodies, opts.concurrency ?? 8, async ({ id, body }) => {
    await seedAccount(opts.motoEndpoint, id, body, scenario, state, now);
  });
  return seeded;
}

async function seedAccount(
  motoEndpoint: string,
  accountId: string,
  body: ScenarioAccountBody,
  scenario: Scenario,
  state: EmulatorState,
  now: Date,
): Promise<void> {
  const acct = accountState(state, accountId);
  acct.auditRole = body.auditRole ?? 'ok';
  acct.disabledRegions = [...(body.disabledRegions ?? [])];
  for (const region of scenario.regions) regionState(state, accountId, region);
  const needsAws =
    (body.trails?.length ?? 0) > 0 ||
    Object.keys(body.config ?? {}).length > 0 ||
    (body.aggregators?.length ?? 0) > 0;
  const clients = needsAws
    ? await emulatorAccount(motoEndpoint, accountId, state.defaultAccountId)
    : undefined;

  for (const trail of body.trails ?? []) await seedTrail(clients!, trail, state);

  for (const [region, cfg] of Object.entries(body.config ?? {})) {
    const client = clients!.config(region);
    const rs = regionState(state, accountId, region);
    if (cfg.recorder) {
      const name = cfg.recorder.name ?? 'default';
      await client.send(
        new PutConfigurationRecorderCommand({
          ConfigurationRecorder: {
            name,
            roleARN: `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
            recordingGroup: {
              allSupported: cfg.recorder.allSupported ?? true,
              includeGlobalResourceTypes: cfg.recorder.includeGlobalResourceTypes ?? false,
            },
          },
        }),
      );
      if (cfg.recorder.lastStatus && cfg.recorder.lastStatus !== 'SUCCESS') {
        rs.recorders[name] = {
          lastStatus: cfg.recorder.lastStatus,
          ...(cfg.recorder.lastErrorCode ? { lastErrorCode: cfg.recorder.lastErrorCode } : {}),
          ...(cfg.recorder.lastErrorMessage ? { lastErrorMessage: cfg.recorder.lastErrorMessage } : {}),
        };
      }
    }
    if (cfg.deliveryChannel) {
      if (!cfg.recorder)
        throw new Error(`scenario: account ${accountId} ${region}: a delivery channel needs a recorder`);
      const name = cfg.deliveryChannel.name ?? 'default';
      const bucket = `config-${accountId}-${region}`;
      await clients!.s3(region).send(new CreateBucketCommand(bucketInput(bucket, region)));
      await client.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name, s3BucketName: bucket } }));
      rs.deliveryChannels[name] = {
        lastStatus: cfg.deliveryChannel.lastStatus ?? 'SUCCESS',
        lastAttemptTime: new Date(now.getTime() - 3600_000).toISOString(),
        ...(cfg.deliveryChannel.lastErrorCode ? { lastErrorCode: cfg.deliveryChannel.lastErrorCode } : {}),
        ...(cfg.deliveryChannel.lastErrorMessage
          ? { lastErrorMessage: cfg.deliveryChannel.lastErrorMessage }
          : {}),
      };
    }
    if (cfg.recorder && (cfg.recorder.recording ?? true)) {
      if (!cfg.deliveryChannel) {
        throw new Error(
          `scenario: account ${accountId} ${region}: a recording recorder needs a delivery channel`,
        );
      }
      await client.send(
        new StartConfigurationRecorderCommand({ ConfigurationRecorderName: cfg.recorder.name ?? 'default' }),
      );
    }
    for (const rule of cfg.rules ?? []) {
      const name = rule.name ?? defaultRuleName(rule.identifier);
      await client.send(
        new PutConfigRuleCommand({
          ConfigRule: { ConfigRuleName: name, Source: { Owner: 'AWS', SourceIdentifier: rule.identifier } },
        }),
      );
      rs.rules[name] = {
        ruleArn: `arn:aws:config:${region}:${accountId}:config-rule/config-rule-${name}`,
        compliance: rule.compliance,
        evaluatedAt: rule.evaluatedAt ?? new Date(now.getTime() - 2 * 3600_000).toISOString(),
        resources: rule.resources ?? [{ type: 'AWS::::Account', id: accountId, compliance: rule.compliance }],
      };
    }
  }

  for (const agg of body.aggregators ?? []) {
    const regions = agg.allRegions === false ? { AwsRegions: agg.regions ?? [] } : { AllAwsRegions: true };
    await clients!.config(agg.region).send(
      new PutConfigurationAggregatorCommand({
        ConfigurationAggregatorName: agg.name,
        ...(agg.organizationSource === false
          ? { AccountAggregationSources: [{ AccountIds: [accountId], ...regions }] }
          : {
              OrganizationAggregationSource: {
                RoleArn: `arn:aws:iam::${accountId}:role/ConfigAggregatorRole`,
                ...regions,
              },
            }),
      }),
    );
  }

  for (const ev of body.events ?? []) {
    const at = ev.at ?? new Date(now.getTime() - (ev.minutesAgo ?? 60) * 60_000).toISOString();
    const actor = ev.actorArn ?? `arn:aws:iam::${accountId}:user/someone`;
    const source = eventSourceOf(ev.eventName);
    const resourceType =
      source === 'config.amazonaws.com' ? 'AWS::Config::ConfigurationRecorder' : 'AWS::CloudTrail::Trail';
    const eventId = randomUUID();
    regionState(state, accountId, ev.region).events.push({
      EventId: eventId,
      EventName: ev.eventName,
      EventTime: at,
      EventSource: source,
      Username: actor.split('/').pop() ?? 'unknown',
      AccessKeyId: 'ASIAEXAMPLEEVENTKEY0',
      ReadOnly: 'false',
      Resources: ev.resourceName ? [{ ResourceType: resourceType, ResourceName: ev.resourceName }] : [],
      CloudTrailEvent: JSON.stringify({
        eventVersion: '1.09',
        userIdentity: {
          type: actor.includes(':assumed-role/') ? 'AssumedRole' : 'IAMUser',
          arn: actor,
          accountId,
        },
        eventTime: at,
        eventSource: source,
        eventName: ev.eventName,
        awsRegion: ev.region,
        sourceIPAddress: ev.sourceIp ?? '203.0.113.10',
        userAgent: ev.userAgent ?? 'aws-cli/2.15.0',
        requestParameters: ev.resourceName ? { name: ev.resourceName } : {},
        eventID: eventId,
        readOnly: false,
        eventType: 'AwsApiCall',
        recipientAccountId: accountId,
      }),
    });
  }
}

function bucketInput(bucket: string, region: string) {
  return region === 'us-east-1'
    ? { Bucket: bucket }
    : {
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint },
      };
}

async function seedTrail(
  clients: EmulatorAccount,
  trail: ScenarioTrail,
  state: EmulatorState,
): Promise<void> {
  const region = trail.homeRegion;
  const accountId = clients.accountId;
  const bucket = trail.bucket ?? `trail-${trail.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${accountId}`;
  await clients.s3(region).send(new CreateBucketCommand(bucketInput(bucket, region)));
  let snsTopicName: string | undefined;
  if (trail.snsTopic) {
    snsTopicName = `${trail.name}-notifications`;
    await clients.sns(region).send(new CreateTopicCommand({ Name: snsTopicName }));
  }
  const ct = clients.cloudtrail(region);
  const res = await ct.send(
    new CreateTrailCommand({
      Name: trail.name,
      S3BucketName: bucket,
      IsMultiRegionTrail: trail.multiRegion ?? true,
      IsOrganizationTrail: trail.organization ?? false,
      EnableLogFileValidation: trail.logFileValidation ?? true,
      IncludeGlobalServiceEvents: trail.includeGlobalServiceEvents ?? true,
      ...(trail.kmsKeyId ? { KmsKeyId: trail.kmsKeyId } : {}),
      ...(snsTopicName ? { SnsTopicName: snsTopicName } : {}),
      ...(trail.cloudWatchLogs
        ? {
            CloudWatchLogsLogGroupArn: `arn:aws:logs:${region}:${accountId}:log-group:cloudtrail/${trail.name}:*`,
            CloudWatchLogsRoleArn: `arn:aws:iam::${accountId}:role/CloudTrailToCloudWatch`,
          }
        : {}),
    }),
  );
  const arn = res.TrailARN ?? `arn:aws:cloudtrail:${region}:${accountId}:trail/${trail.name}`;
  if (trail.advancedEventSelectors) {
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: trail.name,
        AdvancedEventSelectors: trail.advancedEventSelectors,
      }),
    );
  } else {
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: trail.name,
        EventSelectors: trail.eventSelectors ?? [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
      }),
    );
  }
  if (trail.insightSelectors?.length) {
    await ct.send(
      new PutInsightSelectorsCommand({
        TrailName: trail.name,
        InsightSelectors: trail.insightSelectors.map((InsightType) => ({ InsightType })),
      }),
    );
  }
  if (trail.logging ?? true) await ct.send(new StartLoggingCommand({ Name: trail.name }));
  if (trail.status) state.trailStatus[arn] = { ...trail.status };
}
