/**
 * Facts: what the collectors read from AWS, typed, with no verdicts. Every part that can fail on its own
 * is a `Result`, so an API that cannot be read becomes an error fact (code, message) instead of an
 * exception that loses the rest of the account. Times are ISO-8601 strings; absent means "not reported".
 * These objects are stored (for resume) and passed between activities, so they are plain JSON.
 */

export interface ErrorFact {
  /** AWS error code (AccessDenied, ThrottlingException, ...) or a trailwarden code. */
  code: string;
  message: string;
  /** Throttling, 5xx or network: worth retrying later, unlike a permission error. */
  transient?: boolean;
}

export type Result<T> = { value: T } | { error: ErrorFact };

export function isError<T>(r: Result<T>): r is { error: ErrorFact } {
  return 'error' in r;
}

/** GetTrailStatus, with empty strings normalised to undefined ("not reported"). */
export interface TrailStatusFacts {
  isLogging: boolean;
  latestDeliveryError?: string;
  latestDeliveryTime?: string;
  latestCloudWatchLogsDeliveryError?: string;
  latestCloudWatchLogsDeliveryTime?: string;
  latestNotificationError?: string;
  latestDigestDeliveryError?: string;
  startLoggingTime?: string;
  stopLoggingTime?: string;
}

export interface ClassicSelectorFacts {
  readWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  includeManagementEvents?: boolean;
  dataResources: { type: string; values: string[] }[];
  excludeManagementEventSources: string[];
}

export interface FieldSelectorFacts {
  field: string;
  equals?: string[];
  notEquals?: string[];
  startsWith?: string[];
  notStartsWith?: string[];
  endsWith?: string[];
  notEndsWith?: string[];
}

export interface AdvancedSelectorFacts {
  name?: string;
  fieldSelectors: FieldSelectorFacts[];
}

/** GetEventSelectors: a trail has classic selectors or advanced selectors, not both. */
export interface EventSelectorFacts {
  classic: ClassicSelectorFacts[];
  advanced: AdvancedSelectorFacts[];
}

/** What DescribeTrails says about a trail (all that is visible from any region). */
export interface TrailDescription {
  arn: string;
  name: string;
  homeRegion: string;
  /** Account id from the trail ARN: the account that owns the trail. */
  ownerAccountId: string;
  isMultiRegion: boolean;
  isOrganizationTrail: boolean;
  logFileValidationEnabled: boolean;
  includeGlobalServiceEvents: boolean;
  kmsKeyId?: string;
  cloudWatchLogsLogGroupArn?: string;
  snsTopicArn?: string;
  s3BucketName?: string;
  hasCustomEventSelectors?: boolean;
  hasInsightSelectors?: boolean;
}

/** A trail read in detail (status, selectors, insights), once, by its owner in its home region. */
export interface TrailFacts extends TrailDescription {
  status: Result<TrailStatusFacts>;
  selectors: Result<EventSelectorFacts>;
  /** Insight types enabled (ApiCallRateInsight, ApiErrorRateInsight); [] when none. */
  insights: Result<string[]>;
}

export interface RecorderFacts {
  name: string;
  allSupported: boolean;
  includeGlobalResourceTypes: boolean;
  resourceTypes: string[];
  /** From DescribeConfigurationRecorderStatus; undefined when no status was reported. */
  recording?: boolean;
  lastStatus?: string;
  lastErrorCode?: string;
  lastErrorMessage?: string;
  lastStatusChangeTime?: string;
}

export interface DeliveryChannelFacts {
  name: string;
  s3BucketName?: string;
  snsTopicArn?: string;
  /** From DescribeDeliveryChannelStatus (config snapshot / history delivery); undefined when not reported. */
  lastStatus?: string;
  lastErrorCode?: string;
  lastErrorMessage?: string;
  lastAttemptTime?: string;
  lastSuccessfulTime?: string;
}

export interface ConfigEvaluationFacts {
  resourceType: string;
  resourceId: string;
  compliance: string;
  /** When Config recorded this result. */
  recordedAt?: string;
  annotation?: string;
}

/** A deployed AWS Config rule; compliance details are read only for the managed rules we correlate. */
export interface ConfigRuleFacts {
  name: string;
  arn: string;
  /** AWS for managed rules. */
  sourceOwner: string;
  /** Managed rule identifier (CLOUD_TRAIL_ENABLED, ...). */
  sourceIdentifier: string;
  state?: string;
  /** DescribeComplianceByConfigRule. */
  compliance?: string;
  /** GetComplianceDetailsByConfigRule; an error fact when that call failed. */
  evaluations?: Result<ConfigEvaluationFacts[]>;
}

/** One event from CloudTrail event history (LookupEvents). */
export interface TamperEventFacts {
  eventId: string;
  eventName: string;
  eventSource: string;
  time: string;
  actorArn?: string;
  sourceIp?: string;
  userAgent?: string;
  /** The trail or recorder the call named, when reported. */
  resourceName?: string;
}

export interface ConfigRegionFacts {
  recorders: Result<RecorderFacts[]>;
  deliveryChannels: Result<DeliveryChannelFacts[]>;
  rules: Result<ConfigRuleFacts[]>;
}

/** Everything read in one account-region. */
export interface RegionFacts {
  accountId: string;
  region: string;
  collectedAt: string;
  /** Every trail DescribeTrails shows here: own, own shadows, organization trails. */
  visibleTrails: Result<TrailDescription[]>;
  /**
   * Own, non-organization trails read in detail here: those homed in this region, plus (in the first
   * audited region) own trails homed in a region that is not audited.
   */
  trails: TrailFacts[];
  config: ConfigRegionFacts;
  /** Tamper events in the lookback window. */
  tamperEvents: Result<TamperEventFacts[]>;
  lookback: { from: string; to: string };
}

export interface AggregatorFacts {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  organizationSource: boolean;
  allRegions: boolean;
  regions: string[];
}

/** Organization-wide facts, read once per run. */
export interface OrganizationFacts {
  organizationId: string;
  managementAccountId: string;
  /**
   * Organization trails read in detail: from the management account's view, or (when that account is out
   * of reach) from the shadow copy a member account sees.
   */
  orgTrails: Result<TrailFacts[]>;
  orgTrailsSource: { kind: 'management' | 'shadow' | 'none'; accountId?: string };
  /** Trail tamper events in the owner account, in each organization trail's home region. */
  orgTrailEvents: Result<TamperEventFacts[]>;
  /** Config aggregators in the management account and delegated administrators, per audited region. */
  aggregators: Result<AggregatorFacts[]>;
  delegatedConfigAdmins: string[];
}

/** An account as discovered in the organization. */
export interface AccountInfo {
  accountId: string;
  name: string;
  email?: string;
  /** /Root/Workloads/Prod */
  ouPath: string;
  /** Ids from the root down to the account's parent: [r-..., ou-..., ...]. */
  ouIds: string[];
  status: string;
  tags: Record<string, string>;
}

/** What evaluation needs to know about one account's regions. */
export interface AccountFacts {
  account: AccountInfo;
  /** Enabled, audited regions that were read (possibly with error facts inside). */
  regions: RegionFacts[];
  /** Opt-in regions not enabled in this account. */
  disabledRegions: string[];
  /** Regions that could not be read at all (retries exhausted, access denied to the region). */
  failedRegions: { region: string; error: ErrorFact }[];
}
