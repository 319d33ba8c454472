/**
 * Fact builders for check tests: every builder returns a compliant, healthy default so a test states only
 * the one thing it is about (`trail({ kmsKeyId: undefined })`, `region({ tamperEvents: denied() })`).
 */
import type { Waiver } from '../../config/schema.js';
import { evaluateAccount, evaluateOrganization } from '../engine.js';
import type {
  AccountFacts,
  AccountInfo,
  AdvancedSelectorFacts,
  AggregatorFacts,
  ClassicSelectorFacts,
  ConfigEvaluationFacts,
  ConfigRegionFacts,
  ConfigRuleFacts,
  DeliveryChannelFacts,
  ErrorFact,
  EventSelectorFacts,
  FieldSelectorFacts,
  OrganizationFacts,
  RecorderFacts,
  RegionFacts,
  Result,
  TamperEventFacts,
  TrailDescription,
  TrailFacts,
  TrailStatusFacts,
} from '../facts.js';
import type { EvaluationContext, Finding } from '../types.js';

export const NOW = new Date('2026-06-01T12:00:00.000Z');
export const ACCOUNT = '111111111111';
export const MANAGEMENT = '999999999999';
export const HOME = 'us-east-1';
export const REGIONS = ['eu-west-1', 'us-east-1'];

/** An ISO time `h` hours before NOW. */
export function hoursAgo(h: number): string {
  return new Date(NOW.getTime() - h * 3_600_000).toISOString();
}

export function ok<T>(value: T): Result<T> {
  return { value };
}

/** An error fact, AccessDenied unless told otherwise. */
export function denied<T>(code = 'AccessDenied', message = `${code} (test)`): Result<T> {
  return { error: { code, message } };
}

export function errorFact(code = 'AccessDenied'): ErrorFact {
  return { code, message: `${code} (test)` };
}

export function trailArn(accountId: string, region: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

// ---------------------------------------------------------------- event selectors

/** Classic selectors (default: one selector recording all management events). */
export function classic(...selectors: Partial<ClassicSelectorFacts>[]): Result<EventSelectorFacts> {
  const list = selectors.length > 0 ? selectors : [{}];
  return ok({
    classic: list.map((s) => ({
      readWriteType: 'All',
      includeManagementEvents: true,
      dataResources: [],
      excludeManagementEventSources: [],
      ...s,
    })),
    advanced: [],
  });
}

export function advanced(...selectors: AdvancedSelectorFacts[]): Result<EventSelectorFacts> {
  return ok({ classic: [], advanced: selectors });
}

export function field(name: string, op: Omit<FieldSelectorFacts, 'field'>): FieldSelectorFacts {
  return { field: name, ...op };
}

/** Advanced selector for management events; `readOnly` adds the readOnly field selector. */
export function managementSelector(readOnly?: boolean): AdvancedSelectorFacts {
  return {
    name: 'management',
    fieldSelectors: [
      field('eventCategory', { equals: ['Management'] }),
      ...(readOnly === undefined ? [] : [field('readOnly', { equals: [String(readOnly)] })]),
    ],
  };
}

/** Advanced selector for S3 object data events on all buckets; `readOnly` keeps one half. */
export function s3DataSelector(readOnly?: boolean, extra: FieldSelectorFacts[] = []): AdvancedSelectorFacts {
  return {
    name: 's3',
    fieldSelectors: [
      field('eventCategory', { equals: ['Data'] }),
      field('resources.type', { equals: ['AWS::S3::Object'] }),
      ...(readOnly === undefined ? [] : [field('readOnly', { equals: [String(readOnly)] })]),
      ...extra,
    ],
  };
}

/** A classic data resource for S3 objects in all buckets. */
export const ALL_BUCKETS = { type: 'AWS::S3::Object', values: ['arn:aws:s3'] };

// ---------------------------------------------------------------- trails

/** GetTrailStatus of a healthy logging trail that delivered an hour ago. */
export function status(overrides: Partial<TrailStatusFacts> = {}): Result<TrailStatusFacts> {
  return ok({
    isLogging: true,
    latestDeliveryTime: hoursAgo(1),
    latestCloudWatchLogsDeliveryTime: hoursAgo(1),
    startLoggingTime: hoursAgo(24 * 30),
    ...overrides,
  });
}

/** GetTrailStatus of a stopped trail. */
export function stopped(overrides: Partial<TrailStatusFacts> = {}): Result<TrailStatusFacts> {
  return status({ isLogging: false, stopLoggingTime: hoursAgo(2), ...overrides });
}

export type TrailOverrides = Partial<TrailFacts>;

/**
 * A trail that passes every trail check: multi-region, logging, all management events, validated, KMS,
 * CloudWatch Logs, SNS, insights, S3 data events on all buckets. `arn` follows name/owner/home.
 */
export function trail(o: TrailOverrides = {}): TrailFacts {
  const name = o.name ?? 'main';
  const ownerAccountId = o.ownerAccountId ?? ACCOUNT;
  const homeRegion = o.homeRegion ?? HOME;
  return {
    arn: trailArn(ownerAccountId, homeRegion, name),
    name,
    homeRegion,
    ownerAccountId,
    isMultiRegion: true,
    isOrganizationTrail: false,
    logFileValidationEnabled: true,
    includeGlobalServiceEvents: true,
    kmsKeyId: `arn:aws:kms:${homeRegion}:${ownerAccountId}:key/1234abcd`,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:${homeRegion}:${ownerAccountId}:log-group:trail:*`,
    snsTopicArn: `arn:aws:sns:${homeRegion}:${ownerAccountId}:trail`,
    s3BucketName: 'audit-logs',
    status: status(),
    selectors: classic({ dataResources: [ALL_BUCKETS] }),
    insights: ok(['ApiCallRateInsight']),
    ...o,
  };
}

/** An organization trail owned by the management account. */
export function orgTrailFacts(o: TrailOverrides = {}): TrailFacts {
  return trail({ name: 'org', ownerAccountId: MANAGEMENT, isOrganizationTrail: true, ...o });
}

/** What DescribeTrails shows of a trail (a shadow copy, in other regions and accounts). */
export function describe(t: TrailFacts): TrailDescription {
  const { status: _s, selectors: _e, insights: _i, ...d } = t;
  return d;
}

// ---------------------------------------------------------------- Config

export function recorder(o: Partial<RecorderFacts> = {}): RecorderFacts {
  return {
    name: 'default',
    allSupported: true,
    includeGlobalResourceTypes: false,
    resourceTypes: [],
    recording: true,
    lastStatus: 'SUCCESS',
    lastStatusChangeTime: hoursAgo(1),
    ...o,
  };
}

export function channel(o: Partial<DeliveryChannelFacts> = {}): DeliveryChannelFacts {
  return {
    name: 'default',
    s3BucketName: 'config-logs',
    lastStatus: 'SUCCESS',
    lastAttemptTime: hoursAgo(1),
    lastSuccessfulTime: hoursAgo(1),
    ...o,
  };
}

export function evaluation(o: Partial<ConfigEvaluationFacts> = {}): ConfigEvaluationFacts {
  return {
    resourceType: 'AWS::::Account',
    resourceId: ACCOUNT,
    compliance: 'COMPLIANT',
    recordedAt: hoursAgo(3),
    ...o,
  };
}

/** A deployed AWS managed Config rule with its evaluations. */
export function rule(
  identifier: string,
  evaluations: Result<ConfigEvaluationFacts[]> | ConfigEvaluationFacts[],
  o: Partial<ConfigRuleFacts> & { region?: string; accountId?: string } = {},
): ConfigRuleFacts {
  const { region = HOME, accountId = ACCOUNT, ...rest } = o;
  const name = rest.name ?? identifier.toLowerCase().replaceAll('_', '-');
  return {
    name,
    arn: `arn:aws:config:${region}:${accountId}:config-rule/config-rule-${name}`,
    sourceOwner: 'AWS',
    sourceIdentifier: identifier,
    state: 'ACTIVE',
    evaluations: Array.isArray(evaluations) ? ok(evaluations) : evaluations,
    ...rest,
  };
}

/** Config facts of a region; arrays become readable results, error facts pass through. */
export function configFacts(
  o: {
    recorders?: RecorderFacts[] | Result<RecorderFacts[]>;
    channels?: DeliveryChannelFacts[] | Result<DeliveryChannelFacts[]>;
    rules?: ConfigRuleFacts[] | Result<ConfigRuleFacts[]>;
  } = {},
): ConfigRegionFacts {
  const res = <T>(v: T[] | Result<T[]> | undefined, d: T[]): Result<T[]> =>
    v === undefined ? ok(d) : Array.isArray(v) ? ok(v) : v;
  return {
    recorders: res(o.recorders, [recorder()]),
    deliveryChannels: res(o.channels, [channel()]),
    rules: res(o.rules, []),
  };
}

// ---------------------------------------------------------------- event history

let eventCounter = 0;

export function tamperEvent(eventName: string, o: Partial<TamperEventFacts> = {}): TamperEventFacts {
  eventCounter += 1;
  return {
    eventId: `evt-${eventCounter}`,
    eventName,
    eventSource: /Configuration|DeliveryChannel/.test(eventName)
      ? 'config.amazonaws.com'
      : 'cloudtrail.amazonaws.com',
    time: hoursAgo(5),
    actorArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/mallory`,
    sourceIp: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    ...o,
  };
}

// ---------------------------------------------------------------- account-regions

/** One account-region: healthy Config, no rules, no tamper events, no trails (account() places them). */
export function region(o: Partial<RegionFacts> = {}): RegionFacts {
  return {
    accountId: ACCOUNT,
    region: HOME,
    collectedAt: NOW.toISOString(),
    visibleTrails: ok([]),
    trails: [],
    config: {
      recorders: ok([recorder({ includeGlobalResourceTypes: (o.region ?? HOME) === HOME })]),
      deliveryChannels: ok([channel()]),
      rules: ok([]),
    },
    tamperEvents: ok([]),
    lookback: { from: new Date(NOW.getTime() - 7 * 86_400_000).toISOString(), to: NOW.toISOString() },
    ...o,
  };
}

export interface AccountSpec {
  accountId?: string;
  info?: Partial<AccountInfo>;
  /** Audited, enabled regions that were read. */
  regions?: string[];
  /** The account's own trails: read in detail in their home region, seen as shadows elsewhere. */
  trails?: TrailFacts[];
  /** Organization trails as members see them (DescribeTrails shadows). */
  orgTrails?: TrailFacts[];
  /** Per-region replacements, applied last (e.g. { 'eu-west-1': { tamperEvents: denied() } }). */
  in?: Record<string, Partial<RegionFacts>>;
  failedRegions?: { region: string; error: ErrorFact }[];
  disabledRegions?: string[];
}

export function accountInfo(o: Partial<AccountInfo> = {}): AccountInfo {
  return {
    accountId: ACCOUNT,
    name: 'workload-prod',
    ouPath: '/Root/Workloads/Prod',
    ouIds: ['r-ab12', 'ou-ab12-11111111', 'ou-ab12-22222222'],
    status: 'ACTIVE',
    tags: {},
    ...o,
  };
}

/**
 * An account as the collectors would read it: each own trail in its home region's `trails` (or, homed
 * outside the audited regions, in the first), and every region's `visibleTrails` listing the trails
 * DescribeTrails shows there (own trails homed there, own multi-region shadows, organization trails).
 */
export function account(spec: AccountSpec = {}): AccountFacts {
  const accountId = spec.accountId ?? ACCOUNT;
  const regions = [...(spec.regions ?? [HOME])].sort();
  const own = spec.trails ?? [];
  const first = regions[0];
  const failed = new Set((spec.failedRegions ?? []).map((f) => f.region));
  return {
    account: accountInfo({ accountId, ...spec.info }),
    regions: regions
      .filter((r) => !failed.has(r))
      .map((r) => {
        const visible = [...own, ...(spec.orgTrails ?? [])].filter(
          (t) => t.isMultiRegion || t.homeRegion === r,
        );
        const detailed = own.filter(
          (t) => t.homeRegion === r || (!regions.includes(t.homeRegion) && r === first),
        );
        return region({
          accountId,
          region: r,
          visibleTrails: ok(visible.map(describe)),
          trails: detailed,
          ...spec.in?.[r],
        });
      }),
    disabledRegions: spec.disabledRegions ?? [],
    failedRegions: spec.failedRegions ?? [],
  };
}

// ---------------------------------------------------------------- organization and context

export function aggregator(o: Partial<AggregatorFacts> = {}): AggregatorFacts {
  const accountId = o.accountId ?? MANAGEMENT;
  const region = o.region ?? HOME;
  const name = o.name ?? 'org-aggregator';
  return {
    accountId,
    region,
    name,
    arn: `arn:aws:config:${region}:${accountId}:config-aggregator/${name}`,
    organizationSource: true,
    allRegions: true,
    regions: [],
    ...o,
  };
}

export function organization(o: Partial<OrganizationFacts> = {}): OrganizationFacts {
  return {
    organizationId: 'o-test1234',
    managementAccountId: MANAGEMENT,
    orgTrails: ok([]),
    orgTrailsSource: { kind: 'management', accountId: MANAGEMENT },
    orgTrailEvents: ok([]),
    aggregators: ok([aggregator()]),
    delegatedConfigAdmins: [],
    ...o,
  };
}

export interface ContextSpec extends Partial<Omit<EvaluationContext, 'organization'>> {
  organization?: Partial<OrganizationFacts>;
}

export function context(spec: ContextSpec = {}): EvaluationContext {
  const { organization: org, ...rest } = spec;
  return {
    now: NOW,
    staleDeliveryHours: 24,
    lookbackDays: 7,
    auditedRegions: REGIONS,
    ...rest,
    organization: organization(org),
  };
}

/** A context whose organization has these organization trails (read from the management account). */
export function withOrgTrails(...trails: TrailFacts[]): EvaluationContext {
  return context({ organization: { orgTrails: ok(trails) } });
}

// ---------------------------------------------------------------- running and reading findings

/** Findings of one check from evaluateAccount. */
export function accountFindings(
  checkId: string,
  facts: AccountFacts,
  ctx: EvaluationContext = context(),
): Finding[] {
  return evaluateAccount(facts, ctx).filter((f) => f.checkId === checkId);
}

/** Findings of one check from evaluateOrganization. */
export function orgFindings(checkId: string, ctx: EvaluationContext): Finding[] {
  return evaluateOrganization(ctx).filter((f) => f.checkId === checkId);
}

/** The single finding of a check (throws when there is not exactly one, so tests say so loudly). */
export function single(findings: Finding[]): Finding {
  if (findings.length !== 1)
    throw new Error(`expected one finding, got ${findings.length}: ${JSON.stringify(findings, null, 1)}`);
  return findings[0]!;
}

/** One check's single finding for an account. */
export function accountFinding(
  checkId: string,
  facts: AccountFacts,
  ctx: EvaluationContext = context(),
): Finding {
  return single(accountFindings(checkId, facts, ctx));
}

/** The finding of a region-scope check in one region. */
export function regionFinding(
  checkId: string,
  facts: AccountFacts,
  regionName: string,
  ctx: EvaluationContext = context(),
): Finding {
  return single(accountFindings(checkId, facts, ctx).filter((f) => f.region === regionName));
}

/** A trail-scope check's finding about one trail, through the engine (own trail of a one-region account). */
export function trailFinding(
  checkId: string,
  t: TrailFacts,
  opts: { ctx?: EvaluationContext; events?: Result<TamperEventFacts[]> } = {},
): Finding[] {
  const facts = account({
    regions: [t.homeRegion],
    trails: [t],
    ...(opts.events ? { in: { [t.homeRegion]: { tamperEvents: opts.events } } } : {}),
  });
  return accountFindings(checkId, facts, opts.ctx ?? context()).filter((f) => f.resourceArn === t.arn);
}

export function waiver(o: Partial<Waiver> & Pick<Waiver, 'check'>): Waiver {
  return { reason: 'accepted risk', expires: '2027-03-31', ...o } as Waiver;
}

export function finding(o: Partial<Finding> = {}): Finding {
  return {
    checkId: 'cloudtrail.kms_encryption',
    status: 'FAIL',
    severity: 'medium',
    accountId: ACCOUNT,
    region: HOME,
    resourceArn: trailArn(ACCOUNT, HOME, 'main'),
    title: 'Trail log files are encrypted with KMS (SSE-KMS)',
    message: 'Trail main does not encrypt log files with KMS.',
    evidence: {},
    compliance: [],
    ...o,
  };
}
