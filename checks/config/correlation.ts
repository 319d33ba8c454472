import { CORRELATED_RULES } from '../catalog-constants.js';
import { type Check, verdict } from '../define.js';
import type { ConfigEvaluationFacts, ConfigRuleFacts, TrailFacts } from '../facts.js';
import { accountTrails, errorOf, valueIn } from '../semantics.js';
import type { Finding, Verdict } from '../types.js';

interface Comparison {
  resourceType: string;
  resourceId: string;
  config: { compliance: string; evaluatedAt: string | null };
  direct: { checkId: string; status: Finding['status'] | 'NONE'; subject: string; message: string };
  /** null: not compared (no direct verdict for the resource, or the direct verdict is ERROR). */
  agree: boolean | null;
  note?: string;
}

/** COMPLIANT ↔ PASS and NON_COMPLIANT ↔ FAIL; anything else cannot be compared. */
function comparable(e: ConfigEvaluationFacts): boolean {
  return e.compliance === 'COMPLIANT' || e.compliance === 'NON_COMPLIANT';
}

/** The worst of several direct verdicts: any FAIL fails, else any ERROR is an error, else PASS. */
function worst(findings: readonly Finding[]): Finding['status'] {
  if (findings.some((f) => f.status === 'FAIL')) return 'FAIL';
  if (findings.some((f) => f.status === 'ERROR')) return 'ERROR';
  return 'PASS';
}

/** config.correlation: AWS Config's own managed-rule evaluations agree with trailwarden's direct verdicts. */
export const correlation: Check = {
  kind: 'correlation',
  meta: {
    id: 'config.correlation',
    title: "AWS Config's rule evaluations agree with the direct verdicts",
    severity: 'medium',
    scope: 'region',
    remediation:
      "Find out why AWS Config's evaluation differs (stale evaluation, rule parameters, recorder not recording the resource) and re-evaluate the rule; until then trust neither side blindly.",
    compliance: [],
  },
  evaluate({ region, account, ctx, direct }) {
    const rulesErr = errorOf(region.config.rules);
    if (rulesErr) {
      // Without the rule list we cannot tell whether Config disagrees here: say so rather than stay silent.
      const subject = { accountId: region.accountId, region: region.region, resourceArn: null };
      return [
        verdict(
          'ERROR',
          subject,
          `AWS Config rules of ${region.accountId} ${region.region} could not be read: ${rulesErr.code}.`,
          { error: rulesErr },
        ),
      ];
    }
    const out: Verdict[] = [];
    const rules = (valueIn(region.config.rules) ?? []).filter(
      (r) => r.sourceOwner === 'AWS' && CORRELATED_RULES[r.sourceIdentifier],
    );
    for (const rule of rules) {
      const subject = { accountId: region.accountId, region: region.region, resourceArn: rule.arn || null };
      const checkId = CORRELATED_RULES[rule.sourceIdentifier]!;
      const evalErr = rule.evaluations ? errorOf(rule.evaluations) : undefined;
      if (evalErr) {
        out.push(
          verdict(
            'ERROR',
            subject,
            `Evaluations of Config rule ${rule.name} in ${region.accountId} ${region.region} could not be read: ${evalErr.code}.`,
            {
              rule: rule.name,
              identifier: rule.sourceIdentifier,
              error: evalErr,
            },
          ),
        );
        continue;
      }
      const comparisons = compare(
        rule,
        checkId,
        region.region,
        account.account.accountId,
        direct,
        accountTrails(account, ctx),
      );
      const compared = comparisons.filter((c) => c.agree !== null || c.direct.status === 'ERROR');
      if (compared.length === 0) continue;
      const evidence = {
        rule: rule.name,
        ruleArn: rule.arn,
        identifier: rule.sourceIdentifier,
        mirrors: checkId,
        comparisons: compared,
      };
      const disagreements = compared.filter((c) => c.agree === false);
      if (disagreements.length > 0) {
        const d = disagreements[0]!;
        out.push(
          verdict(
            'FAIL',
            subject,
            `Config rule ${rule.name} says ${d.config.compliance} for ${d.resourceId} (evaluated ${d.config.evaluatedAt ?? 'at an unknown time'}) but ${checkId} is ${d.direct.status} in ${region.accountId} ${region.region}.`,
            evidence,
          ),
        );
      } else if (compared.some((c) => c.direct.status === 'ERROR')) {
        out.push(
          verdict(
            'ERROR',
            subject,
            `Config rule ${rule.name} cannot be compared: ${checkId} could not be evaluated here.`,
            evidence,
          ),
        );
      } else {
        out.push(
          verdict(
            'PASS',
            subject,
            `Config rule ${rule.name} agrees with ${checkId} in ${region.accountId} ${region.region}.`,
            evidence,
          ),
        );
      }
    }
    return out;
  },
};

function compare(
  rule: ConfigRuleFacts,
  checkId: string,
  region: string,
  accountId: string,
  direct: readonly Finding[],
  trails: ReturnType<typeof accountTrails>,
): Comparison[] {
  const evaluations = rule.evaluations ? (valueIn(rule.evaluations) ?? []) : [];
  const ofCheck = direct.filter((f) => f.checkId === checkId);
  const visibleHere = new Set(
    trails.filter((t) => t.isMultiRegion || t.homeRegion === region).map((t) => t.arn),
  );
  return evaluations.filter(comparable).map((e) => {
    let picked: Finding[] = [];
    let subject = e.resourceId;
    if (e.resourceType === 'AWS::::Account') {
      if (checkId === 'cloudtrail.region_coverage')
        picked = ofCheck.filter((f) => f.region === region && f.resourceArn === null);
      else if (checkId === 'cloudtrail.multi_region_trail' || checkId === 'cloudtrail.s3_data_events')
        picked = ofCheck;
      else picked = ofCheck.filter((f) => f.resourceArn !== null && visibleHere.has(f.resourceArn));
      subject = `account ${accountId}`;
    } else if (e.resourceType === 'AWS::CloudTrail::Trail') {
      const t = trailNamed(trails, e.resourceId, region, accountId);
      if (t) {
        picked = ofCheck.filter((f) => f.resourceArn === t.arn);
        subject = t.arn;
      }
    }
    const status = picked.length === 0 ? 'NONE' : worst(picked);
    const expected = e.compliance === 'COMPLIANT' ? 'PASS' : 'FAIL';
    return {
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      config: { compliance: e.compliance, evaluatedAt: e.recordedAt ?? null },
      direct: {
        checkId,
        status,
        subject,
        message: picked[0]?.message ?? 'no direct verdict for this resource',
      },
      agree: status === 'NONE' || status === 'ERROR' ? null : status === expected,
      ...(status === 'ERROR'
        ? { note: `${checkId} could not be evaluated here, so this is not counted as a disagreement` }
        : {}),
    };
  });
}

/**
 * The trail a Config result names. Names are unique only per account-region, and Config reports a trail
 * where it is homed: prefer an exact ARN, then this account's trail homed here, then any trail homed here,
 * then a multi-region trail seen here; a single-region namesake homed elsewhere is never it.
 */
function trailNamed(trails: readonly TrailFacts[], id: string, region: string, accountId: string) {
  return (
    trails.find((t) => t.arn === id) ??
    trails.find((t) => t.name === id && t.homeRegion === region && t.ownerAccountId === accountId) ??
    trails.find((t) => t.name === id && t.homeRegion === region) ??
    trails.find((t) => t.name === id && t.isMultiRegion)
  );
}
