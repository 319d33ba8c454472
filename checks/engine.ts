import type { Check, CorrelationInput, TrailCheckInput } from './define.js';
import { toFinding } from './define.js';
import type { AccountFacts, AccountInfo, ErrorFact, Result, TamperEventFacts, TrailFacts } from './facts.js';
import { catalog, type Registry } from './registry.js';
import { accountTrails } from './semantics.js';
import type { EvaluationContext, Finding } from './types.js';

/** `checks.disable` from the configuration: those checks emit nothing. */
export interface EngineOptions {
  disabled?: ReadonlySet<string>;
  /** The checks to run; the catalog unless a test supplies its own. */
  registry?: Registry;
}

/** The registry's checks, and a filter that drops the findings of disabled checks. */
function setUp(opts: EngineOptions | undefined) {
  const checks = (opts?.registry ?? catalog).list();
  const disabled = opts?.disabled;
  const keep = (f: Finding) => !disabled?.has(f.checkId);
  const active = disabled ? checks.filter((c) => !disabled.has(c.meta.id)) : checks;
  return { checks, active, keep };
}

/** Trail-scope findings for a set of trails, each evaluated once. */
function trailFindings(
  checks: readonly Check[],
  trails: readonly TrailFacts[],
  ctx: EvaluationContext,
  eventsFor: (t: TrailFacts) => Result<TamperEventFacts[]> | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const trail of trails) {
    const input: TrailCheckInput = { trail, ctx, events: eventsFor(trail) };
    for (const c of checks) {
      if (c.kind === 'trail') out.push(...c.evaluate(input).map((v) => toFinding(c.meta, v)));
    }
  }
  return out;
}

/**
 * Findings for one assessed account: org.account_assessed PASS; account-, region- and trail-scope checks
 * (trail checks for the account's own trails only); config.correlation; ERROR for every region-scope
 * check of a region that could not be read. Waivers are applied by the caller.
 */
export function evaluateAccount(
  account: AccountFacts,
  ctx: EvaluationContext,
  opts?: EngineOptions,
): Finding[] {
  // Every direct check is evaluated, disabled or not: config.correlation compares Config with the direct
  // verdict even when the user turned that check's own findings off. Disabled checks are dropped at the end.
  const { checks, active, keep } = setUp(opts);
  const direct: Finding[] = [];
  for (const c of checks) {
    if (c.kind === 'assessment')
      direct.push(...c.evaluate({ account: account.account }).map((v) => toFinding(c.meta, v)));
    if (c.kind === 'account') direct.push(...c.evaluate({ account, ctx }).map((v) => toFinding(c.meta, v)));
    if (c.kind === 'region') {
      for (const region of account.regions)
        direct.push(...c.evaluate({ region, account, ctx }).map((v) => toFinding(c.meta, v)));
    }
  }
  const trails = accountTrails(account, ctx);
  // Organization trails are evaluated once, by evaluateOrganization, even if the account's facts hold them.
  const own = trails.filter((t) => !t.isOrganizationTrail && t.ownerAccountId === account.account.accountId);
  const eventsByRegion = new Map(account.regions.map((r) => [r.region, r.tamperEvents]));
  direct.push(...trailFindings(checks, own, ctx, (t) => eventsByRegion.get(t.homeRegion)));

  // config.correlation also compares with organization trails' verdicts; those are only emitted once,
  // by evaluateOrganization.
  const orgTrails = trails.filter((t) => t.isOrganizationTrail);
  const forCorrelation = [...direct, ...trailFindings(checks, orgTrails, ctx, () => undefined)];
  const correlated: Finding[] = [];
  for (const c of active) {
    if (c.kind !== 'correlation') continue;
    for (const region of account.regions) {
      const input: CorrelationInput = { region, account, ctx, direct: forCorrelation };
      correlated.push(...c.evaluate(input).map((v) => toFinding(c.meta, v)));
    }
  }

  const failed: Finding[] = [];
  for (const { region, error } of account.failedRegions) {
    for (const c of active) {
      if (c.kind !== 'region' && c.kind !== 'correlation') continue;
      failed.push(
        toFinding(c.meta, {
          status: 'ERROR',
          accountId: account.account.accountId,
          region,
          resourceArn: null,
          message: `Region ${region} of account ${account.account.accountId} could not be read: ${error.code}.`,
          evidence: { error },
        }),
      );
    }
  }
  return [...direct.filter(keep), ...correlated, ...failed];
}

/** org.account_assessed FAIL for an account that could not be entered or read; nothing else about it. */
export function accountNotAssessed(account: AccountInfo, error: ErrorFact, opts?: EngineOptions): Finding[] {
  const out: Finding[] = [];
  for (const c of setUp(opts).active) {
    if (c.kind === 'assessment') out.push(...c.evaluate({ account, error }).map((v) => toFinding(c.meta, v)));
  }
  return out;
}

/**
 * Organization scope: cloudtrail.org_trail, config.org_aggregator, and the trail-scope checks of the
 * organization trails, evaluated once from ctx.organization (owner: the management account).
 */
export function evaluateOrganization(ctx: EvaluationContext, opts?: EngineOptions): Finding[] {
  const checks = setUp(opts).active;
  const out: Finding[] = [];
  for (const c of checks) {
    if (c.kind === 'org')
      out.push(...c.evaluate({ org: ctx.organization, ctx }).map((v) => toFinding(c.meta, v)));
  }
  const orgTrails = 'value' in ctx.organization.orgTrails ? ctx.organization.orgTrails.value : [];
  out.push(...trailFindings(checks, orgTrails, ctx, () => ctx.organization.orgTrailEvents));
  return out;
}
