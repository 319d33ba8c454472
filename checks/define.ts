import type { AccountInfo, ErrorFact, Result, TamperEventFacts } from './facts.js';
import type {
  AccountInput,
  CheckMeta,
  Finding,
  OrgInput,
  RegionInput,
  TrailInput,
  Verdict,
} from './types.js';

/** Input of org.account_assessed: one account and why it could not be read, if it could not. */
export interface AssessmentInput {
  account: AccountInfo;
  error?: ErrorFact;
}

/** Trail checks also see the event history of the trail's home region, to link tamper evidence. */
export interface TrailCheckInput extends TrailInput {
  events: Result<TamperEventFacts[]> | undefined;
}

/** Direct verdicts of this account, for config.correlation. */
export interface CorrelationInput extends RegionInput {
  direct: readonly Finding[];
}

type Meta<S extends CheckMeta['scope']> = CheckMeta & { scope: S };

/** One check: its metadata and its pure verdict function, typed by what it looks at. */
export type Check =
  | { kind: 'assessment'; meta: Meta<'org'>; evaluate(i: AssessmentInput): Verdict[] }
  | { kind: 'org'; meta: Meta<'org'>; evaluate(i: OrgInput): Verdict[] }
  | { kind: 'account'; meta: Meta<'account'>; evaluate(i: AccountInput): Verdict[] }
  | { kind: 'region'; meta: Meta<'region'>; evaluate(i: RegionInput): Verdict[] }
  | { kind: 'correlation'; meta: Meta<'region'>; evaluate(i: CorrelationInput): Verdict[] }
  | { kind: 'trail'; meta: Meta<'trail'>; evaluate(i: TrailCheckInput): Verdict[] };

/** A verdict about a subject, with the message and evidence that say why. */
export function verdict(
  status: Verdict['status'],
  subject: Pick<Verdict, 'accountId' | 'region' | 'resourceArn'>,
  message: string,
  evidence: Record<string, unknown> = {},
): Verdict {
  return { status, ...subject, message, evidence };
}

/** Attaches a check's metadata to its verdicts. */
export function toFinding(meta: CheckMeta, v: Verdict): Finding {
  return {
    checkId: meta.id,
    status: v.status,
    severity: meta.severity,
    accountId: v.accountId,
    region: v.region,
    resourceArn: v.resourceArn,
    title: meta.title,
    message: v.message,
    evidence: v.evidence,
    compliance: [...meta.compliance],
  };
}
