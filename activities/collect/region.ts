import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import {
  type ConfigServiceClient,
  DescribeComplianceByConfigRuleCommand,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
  DescribeDeliveryChannelStatusCommand,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import type { RegionClients } from '../../aws/clients.js';
import { isTransient, toErrorFact } from '../../aws/errors.js';
import type { Semaphore, TokenBucket } from '../../aws/limits.js';
import { collectPages } from '../../aws/paginate.js';
import { CORRELATED_RULE_IDENTIFIERS, TAMPER_EVENT_NAMES } from '../../checks/catalog-constants.js';
import type {
  ConfigRegionFacts,
  ConfigRuleFacts,
  DeliveryChannelFacts,
  EventSelectorFacts,
  RecorderFacts,
  RegionFacts,
  Result,
  TamperEventFacts,
  TrailDescription,
  TrailFacts,
  TrailStatusFacts,
} from '../../checks/facts.js';

/** Where and how to read one account-region. */
export interface RegionCollectContext {
  accountId: string;
  region: string;
  /** This account's audited regions, sorted: own trails homed outside them are read in the first. */
  auditedRegions: readonly string[];
  lookbackDays: number;
  now: Date;
  clients: RegionClients;
  /** Per-account cap on concurrent calls. */
  calls: Semaphore;
  /** LookupEvents allows 2 calls per second per account-region. */
  lookupRate: TokenBucket;
}

/** Runs one read under the account's call cap; a failure becomes an error fact, never an exception. */
async function read<T>(ctx: RegionCollectContext, fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return { value: await ctx.calls.run(fn) };
  } catch (err) {
    return { error: { ...toErrorFact(err), ...(isTransient(err) ? { transient: true } : {}) } };
  }
}

function iso(d: Date | undefined): string | undefined {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

/** '' and missing both mean "not reported". */
function reported(s: string | undefined | null): string | undefined {
  return s === undefined || s === null || s === '' ? undefined : s;
}

/** The API spells statuses Success/Failure/Pending; facts use one spelling: SUCCESS, FAILURE, PENDING. */
function upper(s: string | undefined): string | undefined {
  return s?.toUpperCase();
}

/** DescribeTrails entry → facts (owner account from the ARN). */
export function describeTrail(t: Trail): TrailDescription {
  const arn = t.TrailARN ?? '';
  return {
    arn,
    name: t.Name ?? arn.split('/').pop() ?? '',
    homeRegion: t.HomeRegion ?? arn.split(':')[3] ?? '',
    ownerAccountId: arn.split(':')[4] ?? '',
    isMultiRegion: t.IsMultiRegionTrail === true,
    isOrganizationTrail: t.IsOrganizationTrail === true,
    logFileValidationEnabled: t.LogFileValidationEnabled === true,
    includeGlobalServiceEvents: t.IncludeGlobalServiceEvents === true,
    ...(reported(t.KmsKeyId) ? { kmsKeyId: t.KmsKeyId } : {}),
    ...(reported(t.CloudWatchLogsLogGroupArn)
      ? { cloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn }
      : {}),
    ...(reported(t.SnsTopicARN) ? { snsTopicArn: t.SnsTopicARN } : {}),
    ...(reported(t.S3BucketName) ? { s3BucketName: t.S3BucketName } : {}),
    ...(t.HasCustomEventSelectors !== undefined
      ? { hasCustomEventSelectors: t.HasCustomEventSelectors }
      : {}),
    ...(t.HasInsightSelectors !== undefined ? { hasInsightSelectors: t.HasInsightSelectors } : {}),
  };
}

/** Status, selectors and insights of one trail, read by ARN (works for shadow copies too). */
export async function readTrailDetails(
  trail: TrailDescription,
  cloudtrail: CloudTrailClient,
  run: <T>(fn: () => Promise<T>) => Promise<Result<T>>,
): Promise<TrailFacts> {
  const [status, selectors, insights] = await Promise.all([
    run(async (): Promise<TrailStatusFacts> => {
      const s = await cloudtrail.send(new GetTrailStatusCommand({ Name: trail.arn }));
      const out: TrailStatusFacts = { isLogging: s.IsLogging === true };
      const set = (k: keyof TrailStatusFacts, v: string | undefined) => {
        if (v !== undefined) (out as unknown as Record<string, string>)[k] = v;
      };
      set('latestDeliveryError', reported(s.LatestDeliveryError));
      set('latestDeliveryTime', iso(s.LatestDeliveryTime));
      set('latestCloudWatchLogsDeliveryError', reported(s.LatestCloudWatchLogsDeliveryError));
      set('latestCloudWatchLogsDeliveryTime', iso(s.LatestCloudWatchLogsDeliveryTime));
      set('latestNotificationError', reported(s.LatestNotificationError));
      set('latestDigestDeliveryError', reported(s.LatestDigestDeliveryError));
      set('startLoggingTime', iso(s.StartLoggingTime));
      set('stopLoggingTime', iso(s.StopLoggingTime));
      return out;
    }),
    run(async (): Promise<EventSelectorFacts> => {
      const s = await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: trail.arn }));
      return {
        classic: (s.EventSelectors ?? []).map((e) => ({
          ...(e.ReadWriteType ? { readWriteType: e.ReadWriteType } : {}),
          ...(e.IncludeManagementEvents !== undefined
            ? { includeManagementEvents: e.IncludeManagementEvents }
            : {}),
          dataResources: (e.DataResources ?? []).map((d) => ({ type: d.Type ?? '', values: d.Values ?? [] })),
          excludeManagementEventSources: e.ExcludeManagementEventSources ?? [],
        })),
        advanced: (s.AdvancedEventSelectors ?? []).map((a) => ({
          ...(a.Name ? { name: a.Name } : {}),
          fieldSelectors: (a.FieldSelectors ?? []).map((f) => ({
            field: f.Field ?? '',
            ...(f.Equals ? { equals: f.Equals } : {}),
            ...(f.NotEquals ? { notEquals: f.NotEquals } : {}),
            ...(f.StartsWith ? { startsWith: f.StartsWith } : {}),
            ...(f.NotStartsWith ? { notStartsWith: f.NotStartsWith } : {}),
            ...(f.EndsWith ? { endsWith: f.EndsWith } : {}),
            ...(f.NotEndsWith ? { notEndsWith: f.NotEndsWith } : {}),
          })),
        })),
      };
    }),
    // DescribeTrails already says whether insights exist; ask only when it says yes or does not say.
    trail.hasInsightSelectors === false
      ? Promise.resolve<Result<string[]>>({ value: [] })
      : run(async () => {
          try {
            const s = await cloudtrail.send(new GetInsightSelectorsCommand({ TrailName: trail.arn }));
            return (s.InsightSelectors ?? []).map((i) => i.InsightType ?? '').filter(Boolean);
          } catch (err) {
            // CloudTrail answers a trail without insights with an error, not an empty list.
            if ((err as Error).name === 'InsightNotEnabledException') return [];
            throw err;
          }
        }),
  ]);
  return { ...trail, status, selectors, insights };
}

async function collectConfig(ctx: RegionCollectContext): Promise<ConfigRegionFacts> {
  const cfg: ConfigServiceClient = ctx.clients.config;
  const recordersP = read(ctx, async (): Promise<RecorderFacts[]> => {
    const list = (await cfg.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
    if (list.length === 0) return [];
    const statuses =
      (await cfg.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ?? [];
    return list.map((r) => {
      const s = statuses.find((x) => x.name === r.name);
      return {
        name: r.name ?? '',
        allSupported: r.recordingGroup?.allSupported === true,
        includeGlobalResourceTypes: r.recordingGroup?.includeGlobalResourceTypes === true,
        resourceTypes: r.recordingGroup?.resourceTypes ?? [],
        ...(s?.recording !== undefined ? { recording: s.recording } : {}),
        ...(reported(s?.lastStatus) ? { lastStatus: upper(s?.lastStatus) } : {}),
        ...(reported(s?.lastErrorCode) ? { lastErrorCode: s?.lastErrorCode } : {}),
        ...(reported(s?.lastErrorMessage) ? { lastErrorMessage: s?.lastErrorMessage } : {}),
        ...(iso(s?.lastStatusChangeTime) ? { lastStatusChangeTime: iso(s?.lastStatusChangeTime) } : {}),
      };
    });
  });
  // DescribeDeliveryChannelStatus names every channel of the region with its last deliveries: that is all
  // config.delivery_channel needs, so DescribeDeliveryChannels is not called.
  const channelsP = read(ctx, async (): Promise<DeliveryChannelFacts[]> => {
    const statuses =
      (await cfg.send(new DescribeDeliveryChannelStatusCommand({}))).DeliveryChannelsStatus ?? [];
    return statuses.map((s) => {
      // Snapshot and history deliveries both go to the bucket: the worse of the two is the channel's state.
      const infos = [s.configSnapshotDeliveryInfo, s.configHistoryDeliveryInfo].filter((i) =>
        reported(i?.lastStatus),
      );
      const failed = infos.find((i) => upper(i?.lastStatus) === 'FAILURE');
      const pick = failed ?? infos.find((i) => upper(i?.lastStatus) === 'SUCCESS') ?? infos[0];
      return {
        name: s.name ?? '',
        ...(pick?.lastStatus ? { lastStatus: upper(pick.lastStatus) } : {}),
        ...(reported(pick?.lastErrorCode) ? { lastErrorCode: pick?.lastErrorCode } : {}),
        ...(reported(pick?.lastErrorMessage) ? { lastErrorMessage: pick?.lastErrorMessage } : {}),
        ...(iso(pick?.lastAttemptTime) ? { lastAttemptTime: iso(pick?.lastAttemptTime) } : {}),
        ...(iso(pick?.lastSuccessfulTime) ? { lastSuccessfulTime: iso(pick?.lastSuccessfulTime) } : {}),
      };
    });
  });
  const rulesP = read(ctx, async (): Promise<ConfigRuleFacts[]> => {
    const all = await collectPages(async (token) => {
      const r = await cfg.send(new DescribeConfigRulesCommand({ NextToken: token }));
      return { items: r.ConfigRules, next: r.NextToken };
    });
    // Only the managed rules config.correlation compares are read in detail.
    const mapped = all.filter(
      (r) =>
        r.Source?.Owner === 'AWS' && CORRELATED_RULE_IDENTIFIERS.includes(r.Source.SourceIdentifier ?? ''),
    );
    return mapped.map((r) => ({
      name: r.ConfigRuleName ?? '',
      arn: r.ConfigRuleArn ?? '',
      sourceOwner: r.Source?.Owner ?? '',
      sourceIdentifier: r.Source?.SourceIdentifier ?? '',
      ...(r.ConfigRuleState ? { state: r.ConfigRuleState } : {}),
    }));
  });
  const [recorders, deliveryChannels, rulesResult] = await Promise.all([recordersP, channelsP, rulesP]);
  if ('error' in rulesResult || rulesResult.value.length === 0)
    return { recorders, deliveryChannels, rules: rulesResult };

  const rules = rulesResult.value;
  const compliance = await read(ctx, async () => {
    const r = await cfg.send(
      new DescribeComplianceByConfigRuleCommand({ ConfigRuleNames: rules.map((x) => x.name) }),
    );
    return r.ComplianceByConfigRules ?? [];
  });
  if ('error' in compliance) return { recorders, deliveryChannels, rules: compliance };
  await Promise.all(
    rules.map(async (rule) => {
      const c = compliance.value.find((x) => x.ConfigRuleName === rule.name)?.Compliance?.ComplianceType;
      if (c) rule.compliance = c;
      rule.evaluations = await read(ctx, () =>
        collectPages(async (token) => {
          const r = await cfg.send(
            new GetComplianceDetailsByConfigRuleCommand({
              ConfigRuleName: rule.name,
              NextToken: token,
              Limit: 100,
            }),
          );
          return {
            items: (r.EvaluationResults ?? []).map((e) => {
              const q = e.EvaluationResultIdentifier?.EvaluationResultQualifier;
              return {
                resourceType: q?.ResourceType ?? '',
                resourceId: q?.ResourceId ?? '',
                compliance: e.ComplianceType ?? '',
                ...(iso(e.ResultRecordedTime) ? { recordedAt: iso(e.ResultRecordedTime) } : {}),
                ...(e.Annotation ? { annotation: e.Annotation } : {}),
              };
            }),
            next: r.NextToken,
          };
        }),
      );
    }),
  );
  return { recorders, deliveryChannels, rules: { value: rules } };
}

/** The tamper events of the lookback window: one LookupEvents query per event name, within the rate limit. */
export async function lookupTamperEvents(
  cloudtrail: CloudTrailClient,
  names: readonly string[],
  window: { from: Date; to: Date },
  rate: TokenBucket,
  calls: Semaphore,
): Promise<TamperEventFacts[]> {
  const out: TamperEventFacts[] = [];
  for (const name of names) {
    const events = await collectPages(async (token) => {
      await rate.take();
      const r = await calls.run(() =>
        cloudtrail.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }],
            StartTime: window.from,
            EndTime: window.to,
            NextToken: token,
            MaxResults: 50,
          }),
        ),
      );
      return { items: r.Events, next: r.NextToken };
    });
    for (const e of events) {
      let detail: Record<string, unknown> = {};
      try {
        detail = e.CloudTrailEvent ? (JSON.parse(e.CloudTrailEvent) as Record<string, unknown>) : {};
      } catch {
        detail = {};
      }
      const identity = (detail.userIdentity ?? {}) as { arn?: string };
      const params = (detail.requestParameters ?? {}) as {
        name?: string;
        trailName?: string;
        configurationRecorderName?: string;
      };
      const resourceName =
        e.Resources?.[0]?.ResourceName ?? params.name ?? params.trailName ?? params.configurationRecorderName;
      out.push({
        eventId: e.EventId ?? '',
        eventName: e.EventName ?? name,
        eventSource: e.EventSource ?? String(detail.eventSource ?? ''),
        time: iso(e.EventTime) ?? String(detail.eventTime ?? ''),
        ...(identity.arn ? { actorArn: identity.arn } : {}),
        ...(typeof detail.sourceIPAddress === 'string' ? { sourceIp: detail.sourceIPAddress } : {}),
        ...(typeof detail.userAgent === 'string' ? { userAgent: detail.userAgent } : {}),
        ...(resourceName ? { resourceName } : {}),
      });
    }
  }
  return out.sort((a, b) => a.time.localeCompare(b.time));
}

/** Reads everything the catalog needs in one account-region. Never throws for an AWS error. */
export async function collectRegion(ctx: RegionCollectContext): Promise<RegionFacts> {
  const from = new Date(ctx.now.getTime() - ctx.lookbackDays * 86_400_000);
  const ct = ctx.clients.cloudtrail;
  const trailsP = (async () => {
    const visibleTrails = await read(ctx, async () =>
      ((await ct.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? []).map(
        describeTrail,
      ),
    );
    if ('error' in visibleTrails) return { visibleTrails, trails: [] as TrailFacts[] };
    const first = ctx.auditedRegions[0];
    const mine = visibleTrails.value.filter(
      (t) =>
        !t.isOrganizationTrail &&
        t.ownerAccountId === ctx.accountId &&
        (t.homeRegion === ctx.region || (!ctx.auditedRegions.includes(t.homeRegion) && ctx.region === first)),
    );
    const trails = await Promise.all(mine.map((t) => readTrailDetails(t, ct, (fn) => read(ctx, fn))));
    return { visibleTrails, trails };
  })();
  const tamperP = (async (): Promise<Result<TamperEventFacts[]>> => {
    try {
      return {
        value: await lookupTamperEvents(
          ct,
          TAMPER_EVENT_NAMES,
          { from, to: ctx.now },
          ctx.lookupRate,
          ctx.calls,
        ),
      };
    } catch (err) {
      return { error: { ...toErrorFact(err), ...(isTransient(err) ? { transient: true } : {}) } };
    }
  })();
  const [{ visibleTrails, trails }, config, tamperEvents] = await Promise.all([
    trailsP,
    collectConfig(ctx),
    tamperP,
  ]);
  return {
    accountId: ctx.accountId,
    region: ctx.region,
    collectedAt: new Date().toISOString(),
    visibleTrails,
    trails,
    config,
    tamperEvents,
    lookback: { from: from.toISOString(), to: ctx.now.toISOString() },
  };
}

/** Every error fact in a region's facts (to decide between "retry later" and "report as ERROR"). */
export function regionErrors(f: RegionFacts): { code: string; message: string; transient?: boolean }[] {
  const out: { code: string; message: string; transient?: boolean }[] = [];
  const add = (r: Result<unknown> | undefined) => {
    if (r && 'error' in r) out.push(r.error);
  };
  add(f.visibleTrails);
  for (const t of f.trails) {
    add(t.status);
    add(t.selectors);
    add(t.insights);
  }
  add(f.config.recorders);
  add(f.config.deliveryChannels);
  add(f.config.rules);
  if ('value' in f.config.rules) for (const r of f.config.rules.value) add(r.evaluations);
  add(f.tamperEvents);
  return out;
}
