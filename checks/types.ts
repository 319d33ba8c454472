import type { AccountFacts, OrganizationFacts, RegionFacts, TrailFacts } from './facts.js';

export type Status = 'PASS' | 'FAIL' | 'WAIVED' | 'ERROR';
export const STATUSES: readonly Status[] = ['PASS', 'FAIL', 'WAIVED', 'ERROR'];

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type Scope = 'org' | 'account' | 'region' | 'trail';

/** One verdict about one subject; the report's `findings[]` entries (spec/report.md). */
export interface Finding {
  checkId: string;
  status: Status;
  severity: Severity;
  /** null only for org-scope checks about the organization itself. */
  accountId: string | null;
  /** Region-scope checks; trail checks carry the trail's home region. */
  region: string | null;
  /** The trail ARN for trail-scope checks; the Config rule ARN for config.correlation. */
  resourceArn: string | null;
  title: string;
  /** Why, in one sentence, naming the subject. */
  message: string;
  /** The API facts the verdict rests on. */
  evidence: Record<string, unknown>;
  /** e.g. ["CIS-3.0:3.2", "SecurityHub:CloudTrail.4"] */
  compliance: string[];
  waiver?: { reason: string; expires: string };
}

/** A finding's identity across runs. */
export interface FindingKey {
  checkId: string;
  accountId: string | null;
  region: string | null;
  resourceArn: string | null;
}

export function findingKey(f: FindingKey): FindingKey {
  return { checkId: f.checkId, accountId: f.accountId, region: f.region, resourceArn: f.resourceArn };
}

/** A stable string form of a FindingKey (for maps, idempotency keys). */
export function findingKeyString(f: FindingKey): string {
  return [f.checkId, f.accountId ?? '', f.region ?? '', f.resourceArn ?? ''].join('|');
}

/** Check metadata, beside the verdict code in each check module. */
export interface CheckMeta {
  id: string;
  title: string;
  severity: Severity;
  scope: Scope;
  /** What to do about a FAIL. */
  remediation: string;
  /** Framework control ids, e.g. ["CIS-3.0:3.1", "SecurityHub:CloudTrail.1"]; may be empty. */
  compliance: string[];
}

/** Settings and context every verdict may use. */
export interface EvaluationContext {
  now: Date;
  staleDeliveryHours: number;
  lookbackDays: number;
  /** Regions the run audits (after scope filters), sorted. */
  auditedRegions: string[];
  organization: OrganizationFacts;
}

/** A verdict before metadata is attached: the registry fills checkId, severity, title and compliance. */
export interface Verdict {
  status: Exclude<Status, 'WAIVED'>;
  accountId: string | null;
  region: string | null;
  resourceArn: string | null;
  message: string;
  evidence: Record<string, unknown>;
}

/** Inputs per scope. */
export interface OrgInput {
  org: OrganizationFacts;
  ctx: EvaluationContext;
}
export interface AccountInput {
  account: AccountFacts;
  ctx: EvaluationContext;
}
export interface RegionInput {
  region: RegionFacts;
  account: AccountFacts;
  ctx: EvaluationContext;
}
export interface TrailInput {
  trail: TrailFacts;
  ctx: EvaluationContext;
}
