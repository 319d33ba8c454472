import type { Scenario } from './scenario.js';

/** The regions the demo organization uses and the demo audits. */
export const DEMO_REGIONS = ['ap-southeast-2', 'eu-west-1', 'us-east-1'];

/** The organization trail whose logging someone stopped (the demo restarts it between its two runs). */
export const DEMO_STOPPED_TRAIL = {
  accountKey: 'management',
  name: 'org-audit-trail',
  region: 'us-east-1',
} as const;

const goodConfig = (globals = false) => ({
  recorder: { includeGlobalResourceTypes: globals },
  deliveryChannel: {},
});

/**
 * A realistic organization of 12 accounts in 4 OUs over 3 regions with a spread of problems: the
 * organization trail was stopped (and event history shows who did it, from where), a trail without log
 * file validation or KMS, a single-region trail, write-only management events, Config missing, stopped or
 * failing in some regions, a Config rule that disagrees with the direct verdict, a trail that cannot
 * deliver, and an account whose audit role cannot be assumed.
 */
export function demoScenario(): Scenario {
  return {
    regions: DEMO_REGIONS,
    management: {
      name: 'acme-management',
      trails: [
        {
          name: 'org-audit-trail',
          homeRegion: 'us-east-1',
          organization: true,
          logging: false,
          kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/5f3e0c1a-demo-org-trail',
          cloudWatchLogs: true,
          insightSelectors: ['ApiCallRateInsight', 'ApiErrorRateInsight'],
          eventSelectors: [
            {
              ReadWriteType: 'All',
              IncludeManagementEvents: true,
              DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }],
            },
          ],
        },
      ],
      config: {
        'us-east-1': {
          ...goodConfig(true),
          // Config evaluated before the trail was stopped: it now disagrees with what trailwarden sees.
          rules: [{ identifier: 'CLOUD_TRAIL_ENABLED', compliance: 'COMPLIANT' }],
        },
        'eu-west-1': goodConfig(),
        'ap-southeast-2': goodConfig(),
      },
      aggregators: [{ region: 'us-east-1', name: 'organization-aggregator' }],
      events: [
        {
          region: 'us-east-1',
          eventName: 'StopLogging',
          minutesAgo: 185,
          resourceName: 'org-audit-trail',
          actorArn: 'arn:aws:sts::000000000000:assumed-role/AdministratorAccess/mallory',
          sourceIp: '203.0.113.66',
          userAgent: 'aws-cli/2.15.30 Python/3.11.6 Linux/6.5 exe/x86_64',
        },
      ],
    },
    ous: [
      {
        name: 'Security',
        accounts: [
          {
            key: 'log-archive',
            name: 'acme-log-archive',
            tags: { owner: 'security', env: 'prod' },
            trails: [
              {
                name: 'security-trail',
                homeRegion: 'us-east-1',
                kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/security-trail',
                cloudWatchLogs: true,
                snsTopic: true,
              },
            ],
            config: {
              'us-east-1': goodConfig(true),
              'eu-west-1': goodConfig(),
              'ap-southeast-2': goodConfig(),
            },
          },
          {
            key: 'security-audit',
            name: 'acme-security-audit',
            tags: { owner: 'security', env: 'prod' },
            config: {
              'us-east-1': goodConfig(true),
              'eu-west-1': goodConfig(),
              'ap-southeast-2': goodConfig(),
            },
          },
        ],
      },
      {
        name: 'Workloads',
        ous: [
          {
            name: 'Prod',
            accounts: [
              {
                key: 'payments',
                name: 'acme-payments-prod',
                tags: { owner: 'payments', env: 'prod', 'cost-center': '4711' },
                trails: [
                  {
                    name: 'payments-local',
                    homeRegion: 'us-east-1',
                    multiRegion: false,
                    logFileValidation: false,
                  },
                ],
                config: {
                  'us-east-1': goodConfig(true),
                  'eu-west-1': {
                    recorder: { recording: false },
                    deliveryChannel: {},
                    // Evaluated while the organization trail was still logging: stale now, as Config often is.
                    rules: [{ identifier: 'CLOUD_TRAIL_ENABLED', compliance: 'COMPLIANT' }],
                  },
                  'ap-southeast-2': goodConfig(),
                },
                events: [
                  {
                    region: 'eu-west-1',
                    eventName: 'StopConfigurationRecorder',
                    minutesAgo: 60 * 26,
                    resourceName: 'default',
                    actorArn: 'arn:aws:iam::000000000000:user/ci-deployer',
                    sourceIp: '198.51.100.23',
                    userAgent: 'Boto3/1.34.0 Python/3.12.1',
                  },
                ],
              },
              {
                key: 'api',
                name: 'acme-api-prod',
                tags: { owner: 'platform', env: 'prod' },
                trails: [
                  {
                    name: 'api-trail',
                    homeRegion: 'eu-west-1',
                    kmsKeyId: 'arn:aws:kms:eu-west-1:000000000000:key/api-trail',
                    eventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }],
                  },
                ],
                config: {
                  'us-east-1': goodConfig(true),
                  'eu-west-1': goodConfig(),
                  'ap-southeast-2': {
                    recorder: {},
                    deliveryChannel: {
                      lastStatus: 'FAILURE',
                      lastErrorCode: 'NoSuchBucket',
                      lastErrorMessage: 'The specified bucket does not exist',
                    },
                  },
                },
              },
              {
                key: 'data',
                name: 'acme-data-prod',
                tags: { owner: 'data', env: 'prod' },
                auditRole: 'denied',
              },
            ],
          },
          {
            name: 'Dev',
            accounts: [
              {
                key: 'dev-web',
                name: 'acme-web-dev',
                tags: { owner: 'web', env: 'dev' },
                config: { 'us-east-1': goodConfig(true), 'eu-west-1': goodConfig() },
              },
              {
                key: 'dev-tools',
                name: 'acme-tools-dev',
                tags: { owner: 'platform', env: 'dev' },
                trails: [
                  {
                    name: 'tools-trail',
                    homeRegion: 'us-east-1',
                    logFileValidation: false,
                    status: {
                      LatestDeliveryError: 'AccessDenied',
                      LatestDeliveryTime: new Date(Date.now() - 4 * 86_400_000).toISOString(),
                    },
                  },
                ],
              },
              {
                key: 'dev-ml',
                name: 'acme-ml-dev',
                tags: { owner: 'ml', env: 'dev' },
                config: {
                  'us-east-1': {
                    recorder: { lastStatus: 'FAILURE', lastErrorCode: 'AccessDenied' },
                    deliveryChannel: {},
                  },
                },
              },
            ],
          },
        ],
      },
      {
        name: 'Sandbox',
        accounts: [
          { key: 'sandbox-alice', name: 'sandbox-alice', tags: { owner: 'alice', env: 'sandbox' } },
          { key: 'sandbox-bob', name: 'sandbox-bob', tags: { owner: 'bob', env: 'sandbox' } },
          { key: 'sandbox-carol', name: 'sandbox-carol', tags: { owner: 'carol', env: 'sandbox' } },
        ],
      },
    ],
  };
}

/** The demo's configuration: its regions, a waiver for sandboxes, and one waiver that has expired. */
export const DEMO_CONFIG_YAML = `# trailwarden demo configuration
scope:
  regions: [${DEMO_REGIONS.join(', ')}]
checks:
  disable: [cloudtrail.sns_notifications]
waivers:
  - check: cloudtrail.s3_data_events
    ous: [/Sandbox]
    reason: sandbox accounts hold no production data
    expires: 2027-03-31
  - check: config.recorder_enabled
    ous: [/Workloads/Dev]
    reason: dev accounts were to get AWS Config by Q3
    expires: 2026-09-30
`;
