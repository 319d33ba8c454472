import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOrganizationFacts } from '../../activities/collect/organization.js';
import { collectRegion } from '../../activities/collect/region.js';
import {
  applyScope,
  describeOrganization,
  describeRegions,
  walkOrganization,
} from '../../activities/discovery.js';
import { AwsEnvironment, type RoleSettings } from '../../aws/clients.js';
import { Semaphore, TokenBucket } from '../../aws/limits.js';
import type { RegionFacts } from '../../checks/facts.js';
import { EMULATOR_CREDENTIALS, type Scenario } from '../../emulator/index.js';
import { type Emulator, startEmulator } from '../harness/index.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
const role: RoleSettings = { roleName: 'TrailWardenAudit', externalId: null, sessionDurationSeconds: 3600 };

const scenario: Scenario = {
  regions: REGIONS,
  management: {
    trails: [
      {
        name: 'org-trail',
        homeRegion: 'us-east-1',
        organization: true,
        insightSelectors: ['ApiCallRateInsight'],
      },
    ],
    aggregators: [{ region: 'us-east-1', name: 'org-aggregator' }],
    events: [{ region: 'us-east-1', eventName: 'StopLogging', resourceName: 'org-trail', minutesAgo: 90 }],
  },
  ous: [
    {
      name: 'Workloads',
      ous: [
        {
          name: 'Prod',
          accounts: [
            {
              key: 'prod',
              tags: { env: 'prod' },
              disabledRegions: ['me-south-1'],
              trails: [
                {
                  name: 'local',
                  homeRegion: 'eu-west-1',
                  multiRegion: false,
                  logFileValidation: false,
                  advancedEventSelectors: [
                    {
                      Name: 'mgmt-writes',
                      FieldSelectors: [
                        { Field: 'eventCategory', Equals: ['Management'] },
                        { Field: 'readOnly', Equals: ['false'] },
                      ],
                    },
                  ],
                  status: { LatestDeliveryError: 'NoSuchBucket', LatestDeliveryTime: '' },
                },
              ],
              config: {
                'eu-west-1': {
                  recorder: { includeGlobalResourceTypes: true },
                  deliveryChannel: { lastStatus: 'FAILURE', lastErrorCode: 'AccessDenied' },
                  rules: [
                    { identifier: 'CLOUD_TRAIL_ENABLED', compliance: 'COMPLIANT' },
                    { identifier: 'S3_BUCKET_VERSIONING_ENABLED', compliance: 'NON_COMPLIANT' },
                  ],
                },
              },
              events: [
                {
                  region: 'eu-west-1',
                  eventName: 'StopConfigurationRecorder',
                  minutesAgo: 10,
                  actorArn: 'arn:aws:iam::123456789012:user/mallory',
                  sourceIp: '198.51.100.9',
                },
                { region: 'eu-west-1', eventName: 'StopLogging', minutesAgo: 60 * 24 * 30 },
              ],
            },
          ],
        },
      ],
    },
    { name: 'Sandbox', accounts: [{ key: 'sandbox' }, { key: 'closed', suspended: true }] },
  ],
};

let emu: Emulator;
let aws: AwsEnvironment;

beforeAll(async () => {
  emu = await startEmulator(scenario);
  aws = new AwsEnvironment({
    maxInFlightCalls: 32,
    homeRegion: 'us-east-1',
    endpoint: emu.endpoint,
    credentials: async () => EMULATOR_CREDENTIALS,
  });
});
afterAll(async () => {
  aws?.close();
  await emu?.stop();
});

async function region(accountId: string, name: string): Promise<RegionFacts> {
  const creds = await aws.accountCredentials(accountId, role);
  return aws.inAccount(creds, () =>
    collectRegion({
      accountId,
      region: name,
      auditedRegions: REGIONS,
      lookbackDays: 7,
      now: new Date(),
      clients: aws.regionClients(name),
      calls: new Semaphore(8),
      lookupRate: new TokenBucket(2, 2),
    }),
  );
}

describe('discovery', () => {
  it('walks the OU tree with paths, ids, status and tags, and applies scope filters', async () => {
    const org = aws.organizations();
    const { organizationId, managementAccountId } = await aws.inAccount(aws.baseCredentials, () =>
      describeOrganization(org),
    );
    expect(organizationId).toBe(emu.org.organizationId);
    expect(managementAccountId).toBe(emu.org.managementAccountId);
    const accounts = await aws.inAccount(aws.baseCredentials, () =>
      walkOrganization(org, { includeTags: true }),
    );
    const prod = accounts.find((a) => a.accountId === emu.org.accounts.prod!.id)!;
    expect(prod.ouPath).toBe('/Root/Workloads/Prod');
    expect(prod.ouIds).toEqual([emu.org.rootId, emu.org.ous['/Workloads'], emu.org.ous['/Workloads/Prod']]);
    expect(prod.tags).toEqual({ env: 'prod' });
    expect(accounts.find((a) => a.accountId === emu.org.accounts.closed!.id)?.status).toBe('SUSPENDED');
    expect(accounts).toHaveLength(4);

    const scoped = applyScope(accounts, {
      includeOus: [],
      excludeOus: ['/Sandbox'],
      includeAccounts: [],
      excludeAccounts: [],
      regions: 'enabled',
    });
    const inScope = scoped
      .filter((a) => a.inScope)
      .map((a) => a.accountId)
      .sort();
    expect(inScope).toEqual([emu.org.managementAccountId, emu.org.accounts.prod!.id].sort());
    expect(scoped.find((a) => a.accountId === emu.org.accounts.closed!.id)?.excludedReason).toBe(
      'account status is SUSPENDED',
    );
  });

  it('finds opt-in regions an account has not enabled', async () => {
    const creds = await aws.accountCredentials(emu.org.accounts.prod!.id, role);
    const regions = await aws.inAccount(creds, () => describeRegions(aws.regionClients('us-east-1').ec2));
    expect(regions.disabled).toContain('me-south-1');
    expect(regions.enabled).toEqual(expect.arrayContaining(REGIONS));
  });
});

describe('region collector', () => {
  it('reads own trails in detail in their home region and sees the organization trail as a shadow', async () => {
    const prod = emu.org.accounts.prod!.id;
    const eu = await region(prod, 'eu-west-1');
    expect('value' in eu.visibleTrails && eu.visibleTrails.value.map((t) => t.name).sort()).toEqual([
      'local',
      'org-trail',
    ]);
    expect(eu.trails.map((t) => t.name)).toEqual(['local']);
    const local = eu.trails[0]!;
    expect(local.isMultiRegion).toBe(false);
    expect(local.logFileValidationEnabled).toBe(false);
    expect(local.status).toEqual({
      value: expect.objectContaining({ isLogging: true, latestDeliveryError: 'NoSuchBucket' }),
    });
    // '' from the API means "not reported": the field is absent, never a failure.
    expect('value' in local.status && 'latestDeliveryTime' in local.status.value).toBe(false);
    expect(local.selectors).toEqual({
      value: {
        classic: [],
        advanced: [
          {
            name: 'mgmt-writes',
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'readOnly', equals: ['false'] },
            ],
          },
        ],
      },
    });
    const us = await region(prod, 'us-east-1');
    expect(us.trails).toEqual([]);
  });

  it('reads Config recorders, channels with delivery status, correlated rules with evaluations', async () => {
    const eu = await region(emu.org.accounts.prod!.id, 'eu-west-1');
    expect(eu.config.recorders).toEqual({
      value: [
        expect.objectContaining({
          name: 'default',
          recording: true,
          includeGlobalResourceTypes: true,
          lastStatus: 'SUCCESS',
        }),
      ],
    });
    expect(eu.config.deliveryChannels).toEqual({
      value: [
        expect.objectContaining({ name: 'default', lastStatus: 'FAILURE', lastErrorCode: 'AccessDenied' }),
      ],
    });
    const rules = 'value' in eu.config.rules ? eu.config.rules.value : [];
    // Only the managed rules config.correlation compares are kept.
    expect(rules.map((r) => r.sourceIdentifier)).toEqual(['CLOUD_TRAIL_ENABLED']);
    expect(rules[0]?.compliance).toBe('COMPLIANT');
    expect(rules[0]?.evaluations).toEqual({
      value: [
        expect.objectContaining({
          resourceType: 'AWS::::Account',
          compliance: 'COMPLIANT',
          recordedAt: expect.any(String),
        }),
      ],
    });
  });

  it('reads tamper events of the lookback window with actor, source IP and user agent', async () => {
    const eu = await region(emu.org.accounts.prod!.id, 'eu-west-1');
    expect(eu.tamperEvents).toEqual({
      value: [
        expect.objectContaining({
          eventName: 'StopConfigurationRecorder',
          actorArn: 'arn:aws:iam::123456789012:user/mallory',
          sourceIp: '198.51.100.9',
          userAgent: 'aws-cli/2.15.0',
        }),
      ],
    });
  });

  it('turns AccessDenied in one API into an error fact and leaves the rest of the region readable', async () => {
    const prod = emu.org.accounts.prod!.id;
    const remove = emu.proxy.addFault({
      kind: 'accessDenied',
      service: 'config',
      accountId: prod,
      region: 'eu-west-1',
    });
    try {
      const eu = await region(prod, 'eu-west-1');
      expect(eu.config.recorders).toEqual({
        error: expect.objectContaining({ code: 'AccessDeniedException' }),
      });
      expect('value' in eu.visibleTrails).toBe(true);
      const us = await region(prod, 'us-east-1');
      expect('value' in us.config.recorders).toBe(true);
    } finally {
      remove();
    }
  });

  it('retries throttled calls inside the SDK instead of reporting them', async () => {
    const prod = emu.org.accounts.prod!.id;
    const remove = emu.proxy.addFault({
      kind: 'throttle',
      service: 'cloudtrail',
      accountId: prod,
      rate: 0.3,
    });
    emu.proxy.clearCalls();
    try {
      const eu = await region(prod, 'eu-west-1');
      expect(emu.proxy.calls().some((c) => c.fault === 'throttle')).toBe(true);
      expect(eu.visibleTrails).toEqual({ value: expect.any(Array) });
      expect(eu.trails[0]?.status).toEqual({ value: expect.objectContaining({ isLogging: true }) });
      expect(eu.tamperEvents).toEqual({ value: expect.any(Array) });
    } finally {
      remove();
    }
  });
});

describe('organization collector', () => {
  it('reads organization trails from the management account, their tamper events and aggregators', async () => {
    const facts = await collectOrganizationFacts({
      aws,
      discoveryCredentials: aws.baseCredentials,
      role,
      organizationId: emu.org.organizationId,
      managementAccountId: emu.org.managementAccountId,
      regions: REGIONS,
      fallbackMembers: [],
      lookbackDays: 7,
      now: new Date(),
      maxConcurrentCalls: 8,
    });
    expect(facts.orgTrailsSource).toEqual({ kind: 'management', accountId: emu.org.managementAccountId });
    const trails = 'value' in facts.orgTrails ? facts.orgTrails.value : [];
    expect(trails.map((t) => [t.name, t.homeRegion, t.isOrganizationTrail])).toEqual([
      ['org-trail', 'us-east-1', true],
    ]);
    expect(trails[0]?.insights).toEqual({ value: ['ApiCallRateInsight'] });
    expect(facts.orgTrailEvents).toEqual({
      value: [expect.objectContaining({ eventName: 'StopLogging', resourceName: 'org-trail' })],
    });
    expect(facts.aggregators).toEqual({
      value: [
        expect.objectContaining({
          name: 'org-aggregator',
          region: 'us-east-1',
          organizationSource: true,
          allRegions: true,
        }),
      ],
    });
  });

  it('falls back to the shadow copy a member sees when the management account cannot be entered', async () => {
    // The caller here is a member: give the AWS environment the prod account's credentials as its own.
    const mgmt = emu.org.managementAccountId;
    const remove = emu.proxy.addFault({ kind: 'accessDenied', service: 'cloudtrail', accountId: mgmt });
    try {
      const facts = await collectOrganizationFacts({
        aws,
        discoveryCredentials: aws.baseCredentials,
        role,
        organizationId: emu.org.organizationId,
        managementAccountId: mgmt,
        regions: REGIONS,
        fallbackMembers: [
          {
            accountId: emu.org.accounts.prod!.id,
            name: 'prod',
            ouPath: '/Root/Workloads/Prod',
            ouIds: [],
            status: 'ACTIVE',
            tags: {},
          },
        ],
        lookbackDays: 7,
        now: new Date(),
        maxConcurrentCalls: 8,
      });
      expect(facts.orgTrailsSource).toEqual({ kind: 'shadow', accountId: emu.org.accounts.prod!.id });
      const trails = 'value' in facts.orgTrails ? facts.orgTrails.value : [];
      expect(trails.map((t) => t.name)).toEqual(['org-trail']);
      expect(trails[0]?.status).toEqual({ value: expect.objectContaining({ isLogging: true }) });
      expect(facts.orgTrailEvents).toEqual({
        error: expect.objectContaining({ code: 'ManagementAccountUnreachable' }),
      });
    } finally {
      remove();
    }
  });
});

describe('shared clients', () => {
  it('sign each concurrent call as the account whose context it runs in', async () => {
    const ids = [emu.org.managementAccountId, emu.org.accounts.prod!.id, emu.org.accounts.sandbox!.id];
    const ct = aws.regionClients('eu-west-1').cloudtrail;
    emu.proxy.clearCalls();
    const rounds = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const id = ids[i % ids.length]!;
        const creds = await aws.accountCredentials(id, role);
        return aws.inAccount(creds, async () => {
          const out = await ct.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
          return { id, owners: (out.trailList ?? []).map((t) => t.TrailARN?.split(':')[4]) };
        });
      }),
    );
    // Every answer holds only the asking account's own trails, and the proxy saw each call as that account.
    for (const r of rounds) expect(r.owners.every((o) => o === r.id)).toBe(true);
    const seen = emu.proxy
      .calls()
      .filter((c) => c.operation === 'DescribeTrails')
      .map((c) => c.accountId);
    expect(seen.sort()).toEqual(rounds.map((r) => r.id).sort());
    await expect(ct.send(new DescribeTrailsCommand({}))).rejects.toThrow(/outside AwsEnvironment.inAccount/);
  });
});
