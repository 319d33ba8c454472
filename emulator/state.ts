import type { ComplianceType, TrailStatusOverride } from './scenario.js';

/**
 * What the front proxy serves or patches on top of moto, keyed by real (generated) account ids. Plain
 * JSON so it can be built by the seeder, edited by a test or the demo, and printed when debugging.
 */
export interface EmulatorState {
  /** The account moto attributes non-assumed credentials to (the caller's own account). */
  defaultAccountId: string;
  managementAccountId: string;
  organizationId: string;
  accounts: Record<string, EmulatedAccount>;
  /** GetTrailStatus overrides by trail ARN. */
  trailStatus: Record<string, TrailStatusOverride>;
  /**
   * Delegated administrators by service principal, for the principals moto refuses (it knows
   * config-multiaccountsetup.amazonaws.com but not config.amazonaws.com, which Config aggregators use).
   */
  delegatedAdministrators?: Record<string, string[]>;
}

export interface EmulatedAccount {
  auditRole: 'ok' | 'denied' | 'missing';
  disabledRegions: string[];
  regions: Record<string, EmulatedRegion>;
}

export interface EmulatedRegion {
  events: EmulatedEvent[];
  /** Config rule compliance by rule name. */
  rules: Record<string, EmulatedRuleCompliance>;
  /** DescribeDeliveryChannelStatus answers by channel name (channels not listed report SUCCESS). */
  deliveryChannels: Record<string, EmulatedChannelStatus>;
  /** DescribeConfigurationRecorderStatus patches by recorder name. */
  recorders: Record<string, { lastStatus: string; lastErrorCode?: string; lastErrorMessage?: string }>;
}

/** An event-history record, in the shape LookupEvents returns (EventTime as ISO here). */
export interface EmulatedEvent {
  EventId: string;
  EventName: string;
  EventTime: string;
  EventSource: string;
  Username: string;
  AccessKeyId: string;
  ReadOnly: 'true' | 'false';
  Resources: { ResourceType: string; ResourceName: string }[];
  CloudTrailEvent: string;
}

export interface EmulatedRuleCompliance {
  ruleArn: string;
  compliance: ComplianceType;
  evaluatedAt: string;
  resources: { type: string; id: string; compliance: ComplianceType; annotation?: string }[];
}

export interface EmulatedChannelStatus {
  lastStatus: 'SUCCESS' | 'FAILURE' | 'NOT_APPLICABLE';
  lastErrorCode?: string;
  lastErrorMessage?: string;
  lastAttemptTime: string;
}

/** Gets (creating when absent) the emulated state of one account-region. */
export function regionState(state: EmulatorState, accountId: string, region: string): EmulatedRegion {
  const account = accountState(state, accountId);
  let r = account.regions[region];
  if (!r) {
    r = { events: [], rules: {}, deliveryChannels: {}, recorders: {} };
    account.regions[region] = r;
  }
  return r;
}

/** Gets (creating when absent) the emulated state of one account. */
export function accountState(state: EmulatorState, accountId: string): EmulatedAccount {
  let a = state.accounts[accountId];
  if (!a) {
    a = { auditRole: 'ok', disabledRegions: [], regions: {} };
    state.accounts[accountId] = a;
  }
  return a;
}

/** The service that records an event, by event name (what CloudTrail puts in EventSource). */
export function eventSourceOf(eventName: string): string {
  return /Configuration|DeliveryChannel|ConfigRule/.test(eventName)
    ? 'config.amazonaws.com'
    : 'cloudtrail.amazonaws.com';
}
