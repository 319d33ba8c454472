import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorReply, parseRequest, throttleCode } from '../emulator/protocol.js';
import {
  accountId,
  accountIndex,
  assumable,
  BENCH_REGIONS,
  MANAGEMENT_ACCOUNT,
  ORGANIZATION_ID,
  OU_COUNT,
  ouId,
  ROOT_ID,
  regionOf,
  type SyntheticTrail,
  trailsOf,
} from './synthetic.js';

/**
 * A stand-in for AWS that answers every operation an audit calls, for a synthetic organization of any
 * size, after a fixed latency: the benchmark's "AWS" (it runs in its own process so its CPU is not the
 * worker's). Optionally throttles a fraction of calls.
 */
export interface EndpointOptions {
  accounts: number;
  regions: number;
  latencyMs: number;
  throttleRate: number;
}

export interface EndpointStats {
  calls: number;
  throttled: number;
  byOperation: Record<string, number>;
  peakInFlight: number;
}

const xmlHeader = { 'content-type': 'text/xml' };
const jsonHeader = { 'content-type': 'application/x-amz-json-1.1' };

function accountOfKey(akid: string): string {
  // Assumed-role keys embed the account: ASIA<12 digits>BNCH. Anything else is the caller's own account.
  const m = akid.match(/^ASIA(\d{12})BNCH$/);
  return m?.[1] ?? MANAGEMENT_ACCOUNT;
}

function page<T>(items: T[], token: unknown, size: number): { items: T[]; next?: string } {
  const start = typeof token === 'string' && token ? Number(token) : 0;
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, next: String(start + size) } : { items: slice };
}

function describeTrail(t: SyntheticTrail) {
  return {
    Name: t.name,
    S3BucketName: `trail-bucket-${t.arn.split(':')[4]}`,
    IncludeGlobalServiceEvents: t.globalEvents,
    IsMultiRegionTrail: t.multiRegion,
    HomeRegion: t.homeRegion,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.validation,
    HasCustomEventSelectors: true,
    HasInsightSelectors: t.insights,
    IsOrganizationTrail: t.organization,
    ...(t.kms ? { KmsKeyId: `arn:aws:kms:${t.homeRegion}:${t.arn.split(':')[4]}:key/bench` } : {}),
    ...(t.cloudWatch
      ? {
          CloudWatchLogsLogGroupArn: `arn:aws:logs:${t.homeRegion}:${t.arn.split(':')[4]}:log-group:trail:*`,
          CloudWatchLogsRoleArn: `arn:aws:iam::${t.arn.split(':')[4]}:role/ct-cw`,
        }
      : {}),
    ...(t.sns ? { SnsTopicARN: `arn:aws:sns:${t.homeRegion}:${t.arn.split(':')[4]}:trail-notify` } : {}),
  };
}

function selectorsOf(t: SyntheticTrail) {
  switch (t.selectors) {
    case 'all':
      return {
        EventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            DataResources: [],
            ExcludeManagementEventSources: [],
          },
        ],
      };
    case 'writeOnly':
      return {
        EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, DataResources: [] }],
      };
    case 'none':
      return {
        EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [] }],
      };
    case 'advancedFull':
      return {
        AdvancedEventSelectors: [
          { Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        ],
      };
    default:
      return {
        AdvancedEventSelectors: [
          { Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
          {
            Name: 's3',
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            ],
          },
        ],
      };
  }
}

/** Starts the synthetic endpoint on a free 127.0.0.1 port. */
export async function startSyntheticEndpoint(opts: EndpointOptions) {
  const regions = BENCH_REGIONS.slice(0, opts.regions);
  const orgTrail = trailsOf(MANAGEMENT_ACCOUNT, regions)[0] as SyntheticTrail;
  const stats: EndpointStats = { calls: 0, throttled: 0, byOperation: {}, peakInFlight: 0 };
  let inFlight = 0;
  let rnd = 0x9e3779b9;
  const random = () => {
    rnd ^= rnd << 13;
    rnd ^= rnd >>> 17;
    rnd ^= rnd << 5;
    return (rnd >>> 0) / 4294967296;
  };
  const now = Date.now() / 1000;
  const allAccounts = () => [
    MANAGEMENT_ACCOUNT,
    ...Array.from({ length: opts.accounts }, (_, i) => accountId(i)),
  ];
  const exists = (id: string) =>
    id === MANAGEMENT_ACCOUNT || (accountIndex(id) >= 0 && accountIndex(id) < opts.accounts);

  function trailByArn(arn: string): SyntheticTrail | undefined {
    const owner = arn.split(':')[4] ?? '';
    if (!exists(owner)) return undefined;
    return trailsOf(owner, regions).find((t) => t.arn === arn);
  }

  function answer(
    op: string,
    account: string,
    region: string,
    body: Record<string, unknown>,
    params?: URLSearchParams,
  ) {
    const ri = regions.indexOf(region);
    switch (op) {
      case 'sts:GetCallerIdentity':
        return {
          headers: xmlHeader,
          body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/bench</Arn><UserId>AIDABENCH</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        };
      case 'sts:AssumeRole': {
        const target = (params?.get('RoleArn') ?? '').split(':')[4] ?? '';
        if (!exists(target) || (target !== MANAGEMENT_ACCOUNT && !assumable(accountIndex(target)))) {
          return errorReply(
            'query',
            403,
            'AccessDenied',
            `not authorized to perform: sts:AssumeRole on ${params?.get('RoleArn')}`,
          );
        }
        const exp = new Date(Date.now() + 3600_000).toISOString();
        return {
          headers: xmlHeader,
          body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA${target}BNCH</AccessKeyId><SecretAccessKey>benchsecret${target}</SecretAccessKey><SessionToken>benchtoken${target}</SessionToken><Expiration>${exp}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROABENCH:trailwarden</AssumedRoleId><Arn>arn:aws:sts::${target}:assumed-role/TrailWardenAudit/trailwarden</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        };
      }
      case 'ec2:DescribeRegions': {
        const items = BENCH_REGIONS.map(
          (r) =>
            `<item><regionName>${r}</regionName><regionEndpoint>ec2.${r}.amazonaws.com</regionEndpoint><optInStatus>${regions.includes(r) ? 'opt-in-not-required' : 'not-opted-in'}</optInStatus></item>`,
        ).join('');
        return {
          headers: xmlHeader,
          body: `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>bench</requestId><regionInfo>${items}</regionInfo></DescribeRegionsResponse>`,
        };
      }
      case 'organizations:DescribeOrganization':
        return json({
          Organization: {
            Id: ORGANIZATION_ID,
            FeatureSet: 'ALL',
            MasterAccountId: MANAGEMENT_ACCOUNT,
            MasterAccountEmail: 'root@example.com',
          },
        });
      case 'organizations:ListRoots':
        return json({
          Roots: [
            {
              Id: ROOT_ID,
              Name: 'Root',
              Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:root/${ORGANIZATION_ID}/${ROOT_ID}`,
            },
          ],
        });
      case 'organizations:ListOrganizationalUnitsForParent':
        return json({
          OrganizationalUnits:
            body.ParentId === ROOT_ID
              ? Array.from({ length: OU_COUNT }, (_, i) => ({ Id: ouId(i), Name: `Unit-${i}` }))
              : [],
        });
      case 'organizations:ListAccountsForParent': {
        const parent = String(body.ParentId);
        const ids =
          parent === ROOT_ID
            ? [MANAGEMENT_ACCOUNT]
            : allAccounts().filter(
                (id) => id !== MANAGEMENT_ACCOUNT && `${ouId(accountIndex(id) % OU_COUNT)}` === parent,
              );
        const p = page(ids, body.NextToken, 20);
        return json({
          Accounts: p.items.map((id) => ({
            Id: id,
            Name: id === MANAGEMENT_ACCOUNT ? 'management' : `bench-${accountIndex(id)}`,
            Email: `${id}@example.com`,
            Status: 'ACTIVE',
          })),
          ...(p.next ? { NextToken: p.next } : {}),
        });
      }
      case 'organizations:ListTagsForResource':
        return json({
          Tags: [{ Key: 'env', Value: accountIndex(String(body.ResourceId)) % 3 === 0 ? 'prod' : 'dev' }],
        });
      case 'organizations:ListDelegatedAdministrators':
        return json({ DelegatedAdministrators: [] });
      case 'cloudtrail:DescribeTrails': {
        const own = trailsOf(account, regions).filter((t) => t.multiRegion || t.homeRegion === region);
        const visible = account === MANAGEMENT_ACCOUNT ? own : [...own, orgTrail];
        return json({ trailList: visible.map(describeTrail) });
      }
      case 'cloudtrail:GetTrailStatus': {
        const t = trailByArn(String(body.Name));
        if (!t)
          return errorReply('json', 400, 'TrailNotFoundException', `Unknown trail ${String(body.Name)}`);
        return json({
          IsLogging: t.logging,
          LatestDeliveryTime: t.staleDelivery ? now - 3 * 86400 : now - 300,
          ...(t.deliveryError ? { LatestDeliveryError: 'AccessDenied' } : {}),
          LatestDeliveryAttemptTime: '',
          StartLoggingTime: now - 86400 * 30,
          ...(t.cloudWatch ? { LatestCloudWatchLogsDeliveryTime: now - 120 } : {}),
        });
      }
      case 'cloudtrail:GetEventSelectors': {
        const t = trailByArn(String(body.TrailName));
        if (!t) return errorReply('json', 400, 'TrailNotFoundException', 'Unknown trail');
        return json({ TrailARN: t.arn, ...selectorsOf(t) });
      }
      case 'cloudtrail:GetInsightSelectors': {
        const t = trailByArn(String(body.TrailName));
        if (!t) return errorReply('json', 400, 'TrailNotFoundException', 'Unknown trail');
        if (!t.insights)
          return errorReply('json', 400, 'InsightNotEnabledException', 'Insights are not enabled');
        return json({ TrailARN: t.arn, InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] });
      }
      case 'cloudtrail:LookupEvents': {
        const name = (body.LookupAttributes as { AttributeValue?: string }[] | undefined)?.[0]
          ?.AttributeValue;
        const r = ri >= 0 ? regionOf(account, ri) : undefined;
        const events =
          r?.tamper && name === 'StopLogging'
            ? [
                {
                  EventId: `bench-${account}-${region}`,
                  EventName: 'StopLogging',
                  EventTime: now - 3600,
                  EventSource: 'cloudtrail.amazonaws.com',
                  Username: 'mallory',
                  ReadOnly: 'false',
                  Resources: [{ ResourceType: 'AWS::CloudTrail::Trail', ResourceName: 'stopped-trail' }],
                  CloudTrailEvent: JSON.stringify({
                    userIdentity: { arn: `arn:aws:iam::${account}:user/mallory` },
                    sourceIPAddress: '203.0.113.7',
                    userAgent: 'aws-cli/2.15',
                  }),
                },
              ]
            : [];
        return json({ Events: events });
      }
      case 'config:DescribeConfigurationRecorders': {
        const r = ri >= 0 ? regionOf(account, ri) : undefined;
        if (!r || r.recorder === 'missing') return json({ ConfigurationRecorders: [] });
        return json({
          ConfigurationRecorders: [
            {
              name: 'default',
              roleARN: `arn:aws:iam::${account}:role/config`,
              recordingGroup: {
                allSupported: true,
                includeGlobalResourceTypes: r.globals,
                resourceTypes: [],
              },
            },
          ],
        });
      }
      case 'config:DescribeConfigurationRecorderStatus': {
        const r = regionOf(account, Math.max(0, ri));
        return json({
          ConfigurationRecordersStatus: [
            {
              name: 'default',
              recording: r.recorder !== 'stopped',
              lastStatus: r.recorder === 'failing' ? 'Failure' : 'Success',
              ...(r.recorder === 'failing'
                ? { lastErrorCode: 'AccessDenied', lastErrorMessage: 'denied' }
                : {}),
              lastStatusChangeTime: now - 600,
            },
          ],
        });
      }
      case 'config:DescribeDeliveryChannels': {
        const r = ri >= 0 ? regionOf(account, ri) : undefined;
        if (!r || r.channel === 'missing') return json({ DeliveryChannels: [] });
        return json({ DeliveryChannels: [{ name: 'default', s3BucketName: `config-${account}` }] });
      }
      case 'config:DescribeDeliveryChannelStatus': {
        const r = regionOf(account, Math.max(0, ri));
        const info = {
          lastStatus: r.channel === 'failing' ? 'Failure' : 'Success',
          lastAttemptTime: now - 900,
        };
        return json({
          DeliveryChannelsStatus: [
            {
              name: 'default',
              configSnapshotDeliveryInfo: info,
              configHistoryDeliveryInfo: info,
              configStreamDeliveryInfo: { lastStatus: 'Not_Applicable' },
            },
          ],
        });
      }
      case 'config:DescribeConfigRules': {
        const r = ri >= 0 ? regionOf(account, ri) : undefined;
        if (!r?.rule) return json({ ConfigRules: [] });
        return json({
          ConfigRules: [
            {
              ConfigRuleName: 'cloudtrail-enabled',
              ConfigRuleArn: `arn:aws:config:${region}:${account}:config-rule/config-rule-bench`,
              Source: { Owner: 'AWS', SourceIdentifier: 'CLOUD_TRAIL_ENABLED' },
              ConfigRuleState: 'ACTIVE',
            },
          ],
        });
      }
      case 'config:DescribeComplianceByConfigRule': {
        const r = regionOf(account, Math.max(0, ri));
        return json({
          ComplianceByConfigRules: [
            {
              ConfigRuleName: 'cloudtrail-enabled',
              Compliance: { ComplianceType: r.rule ?? 'INSUFFICIENT_DATA' },
            },
          ],
        });
      }
      case 'config:GetComplianceDetailsByConfigRule': {
        const r = regionOf(account, Math.max(0, ri));
        return json({
          EvaluationResults: [
            {
              EvaluationResultIdentifier: {
                EvaluationResultQualifier: {
                  ConfigRuleName: 'cloudtrail-enabled',
                  ResourceType: 'AWS::::Account',
                  ResourceId: account,
                },
                OrderingTimestamp: now - 7200,
              },
              ComplianceType: r.rule ?? 'INSUFFICIENT_DATA',
              ResultRecordedTime: now - 7200,
              ConfigRuleInvokedTime: now - 7205,
            },
          ],
        });
      }
      case 'config:DescribeConfigurationAggregators':
        return json({
          ConfigurationAggregators:
            account === MANAGEMENT_ACCOUNT && ri === 0
              ? [
                  {
                    ConfigurationAggregatorName: 'organization',
                    ConfigurationAggregatorArn: `arn:aws:config:${region}:${account}:config-aggregator/config-aggregator-bench`,
                    OrganizationAggregationSource: {
                      RoleArn: `arn:aws:iam::${account}:role/aggregator`,
                      AllAwsRegions: true,
                    },
                  },
                ]
              : [],
        });
      default:
        return errorReply(
          'json',
          400,
          'UnknownOperationException',
          `the benchmark endpoint does not implement ${op}`,
        );
    }
  }

  function json(obj: unknown) {
    return { headers: jsonHeader, body: JSON.stringify(obj) };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inFlight++;
      if (inFlight > stats.peakInFlight) stats.peakInFlight = inFlight;
      const body = Buffer.concat(chunks);
      const p = parseRequest(req.method ?? 'POST', req.url ?? '/', req.headers, body);
      const op = `${p.service}:${p.operation}`;
      stats.calls++;
      stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
      const throttle = opts.throttleRate > 0 && random() < opts.throttleRate;
      setTimeout(() => {
        let reply: { status?: number; headers: Record<string, string>; body: string };
        if (throttle) {
          stats.throttled++;
          reply = errorReply(p.protocol, 400, throttleCode(p.service), 'Rate exceeded');
        } else {
          reply = answer(op, accountOfKey(p.accessKeyId), p.region, p.json ?? {}, p.params);
        }
        inFlight--;
        res.writeHead(reply.status ?? 200, {
          ...reply.headers,
          'content-length': Buffer.byteLength(reply.body),
        });
        res.end(reply.body);
      }, opts.latencyMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.maxConnections = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 2048, () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    stats: () => ({ ...stats, byOperation: { ...stats.byOperation } }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
