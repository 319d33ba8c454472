/**
 * A declarative description of an AWS Organization for the emulator: OUs, accounts, regions, trails with
 * every attribute the check catalog reads, Config recorders, delivery channels and rules with their
 * compliance, and CloudTrail event history. `seedScenario` turns it into moto state plus the state the
 * front proxy serves for what moto lacks. Tests, the demo and examples share these types.
 */

/** A classic CloudTrail event selector, as PutEventSelectors takes it. */
export interface ClassicEventSelector {
  ReadWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  IncludeManagementEvents?: boolean;
  DataResources?: { Type: string; Values: string[] }[];
  ExcludeManagementEventSources?: string[];
}

/** An advanced CloudTrail event selector, as PutEventSelectors takes it. */
export interface AdvancedEventSelector {
  Name?: string;
  FieldSelectors: {
    Field: string;
    Equals?: string[];
    StartsWith?: string[];
    EndsWith?: string[];
    NotEquals?: string[];
    NotStartsWith?: string[];
    NotEndsWith?: string[];
  }[];
}

/** Values GetTrailStatus reports that moto cannot produce; they replace moto's answer for this trail. */
export interface TrailStatusOverride {
  LatestDeliveryError?: string;
  /** ISO time, or '' for "not reported". */
  LatestDeliveryTime?: string;
  LatestCloudWatchLogsDeliveryError?: string;
  LatestCloudWatchLogsDeliveryTime?: string;
  LatestNotificationError?: string;
  LatestDigestDeliveryError?: string;
}

export interface ScenarioTrail {
  name: string;
  homeRegion: string;
  /** Default true. */
  multiRegion?: boolean;
  /** An organization trail (only meaningful in the management account). */
  organization?: boolean;
  /** Default true: StartLogging is called after creation. */
  logging?: boolean;
  /** Default true. */
  logFileValidation?: boolean;
  /** A KMS key id or ARN; default none (SSE-S3). */
  kmsKeyId?: string;
  /** Send to CloudWatch Logs; default false. */
  cloudWatchLogs?: boolean;
  /** Create and attach an SNS topic; default false. */
  snsTopic?: boolean;
  /** Default true. */
  includeGlobalServiceEvents?: boolean;
  /** Default: one selector recording all management events (what CloudTrail creates by default). */
  eventSelectors?: ClassicEventSelector[];
  /** When set, replaces the classic selectors. */
  advancedEventSelectors?: AdvancedEventSelector[];
  insightSelectors?: ('ApiCallRateInsight' | 'ApiErrorRateInsight')[];
  status?: TrailStatusOverride;
  /** An S3 bucket name; default derived from the trail name and account. */
  bucket?: string;
}

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';

/** An AWS Config managed rule and what Config last said about it. */
export interface ScenarioConfigRule {
  /** Managed rule source identifier, e.g. CLOUD_TRAIL_ENABLED. */
  identifier: string;
  /** Rule name; default a kebab-case form of the identifier. */
  name?: string;
  /** Overall compliance Config reports for the rule. */
  compliance: ComplianceType;
  /** When Config recorded its evaluation (ISO); default now. */
  evaluatedAt?: string;
  /** Per-resource results; default one AWS::::Account result carrying `compliance`. */
  resources?: { type: string; id: string; compliance: ComplianceType; annotation?: string }[];
}

export interface ScenarioConfigRegion {
  recorder?: {
    name?: string;
    /** Default true. */
    recording?: boolean;
    /** Default true. */
    allSupported?: boolean;
    /** Default false. */
    includeGlobalResourceTypes?: boolean;
    /** What DescribeConfigurationRecorderStatus reports as the last status; default SUCCESS. */
    lastStatus?: 'SUCCESS' | 'FAILURE' | 'PENDING';
    lastErrorCode?: string;
    lastErrorMessage?: string;
  };
  deliveryChannel?: {
    name?: string;
    /** What DescribeDeliveryChannelStatus reports; default SUCCESS. */
    lastStatus?: 'SUCCESS' | 'FAILURE' | 'NOT_APPLICABLE';
    lastErrorCode?: string;
    lastErrorMessage?: string;
  };
  rules?: ScenarioConfigRule[];
}

/** One event in CloudTrail event history (what LookupEvents returns). */
export interface ScenarioEvent {
  region: string;
  eventName: string;
  /** ISO time, or minutes before seeding. */
  at?: string;
  minutesAgo?: number;
  actorArn?: string;
  sourceIp?: string;
  userAgent?: string;
  /** The trail or recorder the call targeted. */
  resourceName?: string;
}

export interface ScenarioAggregator {
  region: string;
  name: string;
  /** Default true: AllAwsRegions. */
  allRegions?: boolean;
  regions?: string[];
  /** Default true: an organization source; false gives an account source. */
  organizationSource?: boolean;
}

/** What one account holds; the management account uses the same shape. */
export interface ScenarioAccountBody {
  name?: string;
  email?: string;
  tags?: Record<string, string>;
  /** How AssumeRole into the audit role answers; default 'ok'. */
  auditRole?: 'ok' | 'denied' | 'missing';
  /** Opt-in regions this account has not enabled. */
  disabledRegions?: string[];
  trails?: ScenarioTrail[];
  /** AWS Config per region. */
  config?: Record<string, ScenarioConfigRegion>;
  events?: ScenarioEvent[];
  aggregators?: ScenarioAggregator[];
  /** Registered as delegated administrator for AWS Config. */
  delegatedConfigAdmin?: boolean;
  /** Closed (SUSPENDED) accounts are listed by Organizations but not audited. */
  suspended?: boolean;
}

export interface ScenarioAccount extends ScenarioAccountBody {
  /** A key the test uses to find the account's generated id. */
  key: string;
}

export interface ScenarioOu {
  name: string;
  accounts?: ScenarioAccount[];
  ous?: ScenarioOu[];
}

export interface Scenario {
  /** Regions the scenario is about (where per-region defaults are seeded). */
  regions: string[];
  /** The management account: the caller's own account (moto's default account). */
  management?: ScenarioAccountBody;
  /** Accounts directly under the root. */
  accounts?: ScenarioAccount[];
  ous?: ScenarioOu[];
}

/** Kebab-case default name for a managed rule: CLOUD_TRAIL_ENABLED -> cloud-trail-enabled. */
export function defaultRuleName(identifier: string): string {
  return identifier.toLowerCase().replaceAll('_', '-');
}

/** Every account of a scenario with its OU path (relative to the root, e.g. /Workloads/Prod). */
export function scenarioAccounts(s: Scenario): { account: ScenarioAccount; ouPath: string }[] {
  const out: { account: ScenarioAccount; ouPath: string }[] = [];
  for (const a of s.accounts ?? []) out.push({ account: a, ouPath: '/' });
  const walk = (ou: ScenarioOu, parent: string) => {
    const path = `${parent === '/' ? '' : parent}/${ou.name}`;
    for (const a of ou.accounts ?? []) out.push({ account: a, ouPath: path });
    for (const child of ou.ous ?? []) walk(child, path);
  };
  for (const ou of s.ous ?? []) walk(ou, '/');
  return out;
}
