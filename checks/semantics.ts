import { TRAIL_TAMPER_EVENT_NAMES } from './catalog-constants.js';
import type {
  AccountFacts,
  AdvancedSelectorFacts,
  ErrorFact,
  EventSelectorFacts,
  Result,
  TamperEventFacts,
  TrailFacts,
} from './facts.js';
import type { EvaluationContext } from './types.js';

/**
 * The shared meaning of the catalog ("What covered means" in spec/checks.md), in one place so every check
 * that asks "does this trail record management events?" gets the same answer. Answers are three-valued:
 * facts that could not be read give 'unknown', which checks turn into ERROR, never into PASS or FAIL.
 */

export type Tri = 'yes' | 'no' | 'unknown';

export function errorOf<T>(r: Result<T>): ErrorFact | undefined {
  return 'error' in r ? r.error : undefined;
}

export function valueIn<T>(r: Result<T>): T | undefined {
  return 'value' in r ? r.value : undefined;
}

function hasField(sel: AdvancedSelectorFacts, field: string): boolean {
  return sel.fieldSelectors.some((f) => f.field === field);
}

function fieldEquals(sel: AdvancedSelectorFacts, field: string, value: string): boolean {
  return sel.fieldSelectors.some((f) => f.field === field && (f.equals ?? []).includes(value));
}

/** Read/write halves a set of selectors covers: both halves, or each half by a separate selector. */
function coversBothHalves(kinds: ('All' | 'ReadOnly' | 'WriteOnly')[]): boolean {
  return kinds.includes('All') || (kinds.includes('ReadOnly') && kinds.includes('WriteOnly'));
}

/**
 * readOnly restriction of an advanced selector: 'All' when none, else the half it keeps. CloudTrail only
 * accepts Equals and NotEquals on readOnly; a condition that keeps both values restricts nothing.
 */
function advancedHalf(sel: AdvancedSelectorFacts): 'All' | 'ReadOnly' | 'WriteOnly' | 'Other' {
  let keepsRead = true;
  let keepsWrite = true;
  for (const f of sel.fieldSelectors) {
    if (f.field !== 'readOnly') continue;
    if (f.startsWith || f.endsWith || f.notStartsWith || f.notEndsWith) return 'Other';
    const allowed = (v: string) =>
      (f.equals === undefined || f.equals.includes(v)) && !(f.notEquals ?? []).includes(v);
    keepsRead &&= allowed('true');
    keepsWrite &&= allowed('false');
  }
  if (keepsRead && keepsWrite) return 'All';
  if (keepsRead) return 'ReadOnly';
  if (keepsWrite) return 'WriteOnly';
  return 'Other';
}

export interface ManagementRecording {
  /** Records management events at all (any read/write type). */
  records: Tri;
  /** Records both read and write management events. */
  full: Tri;
  /** One phrase for messages: "all management events", "write-only management events", ... */
  describe: string;
}

/** What a trail's event selectors say about management events. */
export function managementRecording(selectors: Result<EventSelectorFacts>): ManagementRecording {
  const s = valueIn(selectors);
  if (!s) return { records: 'unknown', full: 'unknown', describe: 'unknown event selectors' };
  const halves: ('All' | 'ReadOnly' | 'WriteOnly')[] = [];
  let other = false;
  for (const c of s.classic) {
    // IncludeManagementEvents and ReadWriteType default to true and All in CloudTrail's API.
    if (c.includeManagementEvents === false) continue;
    halves.push(c.readWriteType ?? 'All');
  }
  for (const a of s.advanced) {
    if (!fieldEquals(a, 'eventCategory', 'Management')) continue;
    const half = advancedHalf(a);
    if (half === 'Other') other = true;
    else halves.push(half);
  }
  if (halves.length === 0 && !other) {
    const none =
      s.classic.length === 0 && s.advanced.length === 0 ? 'no event selectors' : 'no management events';
    return { records: 'no', full: 'no', describe: none };
  }
  if (coversBothHalves(halves)) return { records: 'yes', full: 'yes', describe: 'all management events' };
  const describe = halves.includes('WriteOnly')
    ? 'write-only management events'
    : halves.includes('ReadOnly')
      ? 'read-only management events'
      : 'a filtered subset of management events';
  return { records: 'yes', full: 'no', describe };
}

/**
 * The selectors management_events rests on, for evidence: classic selectors without their data resources
 * (which can list hundreds of ARNs) and the advanced selectors of the Management category.
 */
export function managementSelectors(selectors: Result<EventSelectorFacts>): Record<string, unknown> | null {
  const s = valueIn(selectors);
  if (!s) return null;
  return {
    classic: s.classic.map((c) => ({
      readWriteType: c.readWriteType ?? null,
      includeManagementEvents: c.includeManagementEvents ?? null,
      excludeManagementEventSources: c.excludeManagementEventSources,
    })),
    advanced: s.advanced.filter((a) => fieldEquals(a, 'eventCategory', 'Management')),
  };
}

/** The classic data-resource value for every bucket: arn:aws:s3 (or arn:aws:s3:::), in any partition. */
const ALL_BUCKETS = /^arn:aws(-[a-z]+)*:s3(:::)?$/;

/**
 * Whether an advanced selector's resources.ARN conditions keep only some buckets. StartsWith the bucket
 * ARN prefix of a partition (arn:aws:s3:::) keeps them all; any other ARN condition narrows.
 */
function narrowsBuckets(sel: AdvancedSelectorFacts): boolean {
  return sel.fieldSelectors.some(
    (f) =>
      f.field === 'resources.ARN' &&
      !(
        f.startsWith?.length &&
        f.startsWith.every((v) => /^arn:aws(-[a-z]+)*:s3:::$/.test(v)) &&
        !f.equals &&
        !f.notEquals &&
        !f.endsWith &&
        !f.notStartsWith &&
        !f.notEndsWith
      ),
  );
}

/** S3 object-level read and write data events for all buckets. */
export function recordsAllS3DataEvents(selectors: Result<EventSelectorFacts>): Tri {
  const s = valueIn(selectors);
  if (!s) return 'unknown';
  const classic = s.classic
    .filter((c) =>
      c.dataResources.some((d) => d.type === 'AWS::S3::Object' && d.values.some((v) => ALL_BUCKETS.test(v))),
    )
    .map((c) => c.readWriteType ?? 'All');
  const advanced = s.advanced
    .filter(
      (a) =>
        fieldEquals(a, 'eventCategory', 'Data') &&
        fieldEquals(a, 'resources.type', 'AWS::S3::Object') &&
        !narrowsBuckets(a) &&
        !hasField(a, 'eventName'),
    )
    .map(advancedHalf)
    .filter((h): h is 'All' | 'ReadOnly' | 'WriteOnly' => h !== 'Other');
  return coversBothHalves([...classic, ...advanced]) ? 'yes' : 'no';
}

/** Whether the trail is logging, from GetTrailStatus. */
export function isLogging(t: TrailFacts): Tri {
  const s = valueIn(t.status);
  if (!s) return 'unknown';
  return s.isLogging ? 'yes' : 'no';
}

export function and(...xs: Tri[]): Tri {
  if (xs.includes('no')) return 'no';
  if (xs.includes('unknown')) return 'unknown';
  return 'yes';
}

/**
 * The trails that count for an account: its own non-organization trails, each once (read in its home
 * region), plus the organization's trails (from ctx.organization), which apply to every member and to the
 * management account. Shadow copies are never a source of verdicts.
 */
export function accountTrails(account: AccountFacts, ctx: EvaluationContext): TrailFacts[] {
  const seen = new Map<string, TrailFacts>();
  for (const r of account.regions) {
    for (const t of r.trails) {
      if (t.isOrganizationTrail || t.ownerAccountId !== account.account.accountId) continue;
      if (!seen.has(t.arn)) seen.set(t.arn, t);
    }
  }
  for (const t of valueIn(ctx.organization.orgTrails) ?? []) if (!seen.has(t.arn)) seen.set(t.arn, t);
  return [...seen.values()].sort((a, b) => a.arn.localeCompare(b.arn));
}

/**
 * What keeps an account-level trail verdict from being certain: the organization trails could not be
 * read, DescribeTrails failed somewhere, or a trail of the account was seen (as a shadow) but never read
 * in detail because its home region could not be read.
 */
export function trailGaps(account: AccountFacts, ctx: EvaluationContext, forRegion?: string): string[] {
  const gaps: string[] = [];
  const orgError = errorOf(ctx.organization.orgTrails);
  if (orgError) gaps.push(`organization trails could not be read (${orgError.code})`);
  const detailed = new Set(accountTrails(account, ctx).map((t) => t.arn));
  for (const r of account.regions) {
    const e = errorOf(r.visibleTrails);
    if (e && (!forRegion || r.region === forRegion))
      gaps.push(`DescribeTrails failed in ${r.region} (${e.code})`);
    for (const t of valueIn(r.visibleTrails) ?? []) {
      if (forRegion && r.region !== forRegion) continue;
      if (t.isOrganizationTrail || t.ownerAccountId !== account.account.accountId || detailed.has(t.arn))
        continue;
      gaps.push(`trail ${t.name} (home ${t.homeRegion}) could not be read in its home region`);
    }
  }
  for (const f of account.failedRegions) {
    if (!forRegion || f.region === forRegion)
      gaps.push(`region ${f.region} could not be read (${f.error.code})`);
  }
  return [...new Set(gaps)];
}

/** A compact description of a trail for evidence. */
export function trailEvidence(t: TrailFacts): Record<string, unknown> {
  const status = valueIn(t.status);
  return {
    trailArn: t.arn,
    homeRegion: t.homeRegion,
    isMultiRegionTrail: t.isMultiRegion,
    isOrganizationTrail: t.isOrganizationTrail,
    isLogging: status ? status.isLogging : { error: errorOf(t.status) },
    managementEvents: managementRecording(t.selectors).describe,
  };
}

/** Does `t` cover `region`: logging, recording management events, multi-region or homed there. */
export function coversRegion(t: TrailFacts, region: string): Tri {
  if (!t.isMultiRegion && t.homeRegion !== region) return 'no';
  return and(isLogging(t), managementRecording(t.selectors).records);
}

/** The tamper events that explain something about a trail: calls of these names naming it, by name or ARN. */
export function eventsForTrail(
  events: readonly TamperEventFacts[],
  t: { name: string; arn: string },
  names: readonly string[] = TRAIL_TAMPER_EVENT_NAMES,
): TamperEventFacts[] {
  return events.filter(
    (e) => names.includes(e.eventName) && (e.resourceName === t.name || e.resourceName === t.arn),
  );
}

/** Events by name, for recorder and delivery channel findings. */
export function eventsNamed(
  events: readonly TamperEventFacts[],
  names: readonly string[],
): TamperEventFacts[] {
  return events.filter((e) => names.includes(e.eventName));
}

/** An event as findings show it. */
export function eventEvidence(e: TamperEventFacts): Record<string, unknown> {
  return {
    eventId: e.eventId,
    eventName: e.eventName,
    time: e.time,
    actorArn: e.actorArn ?? null,
    sourceIp: e.sourceIp ?? null,
    userAgent: e.userAgent ?? null,
    resourceName: e.resourceName ?? null,
  };
}

/** Hours since an ISO time. */
export function hoursSince(iso: string, now: Date): number {
  return (now.getTime() - Date.parse(iso)) / 3_600_000;
}
