import { describe, expect, it } from 'vitest';
import { evaluateAccount, evaluateOrganization } from './engine.js';
import { catalog } from './registry.js';
import {
  ACCOUNT,
  account,
  configFacts,
  context,
  errorFact,
  evaluation,
  HOME,
  MANAGEMENT,
  ok,
  orgTrailFacts,
  recorder,
  rule,
  trail,
} from './testing/builders.js';
import type { Finding } from './types.js';

const REGIONS = ['eu-west-1', HOME];
const REGION_CHECKS = catalog
  .list()
  .filter((c) => c.meta.scope === 'region')
  .map((c) => c.meta.id)
  .sort();

/** A healthy organization: an organization trail, an own trail, Config everywhere, a correlated rule. */
function healthy() {
  const own = trail({ homeRegion: 'eu-west-1' });
  const org = orgTrailFacts();
  const ctx = context({ auditedRegions: REGIONS, organization: { orgTrails: ok([org]) } });
  const facts = account({
    regions: REGIONS,
    trails: [own],
    orgTrails: [org],
    in: {
      [HOME]: {
        config: configFacts({
          recorders: [recorder({ includeGlobalResourceTypes: true })],
          rules: [rule('CLOUD_TRAIL_ENABLED', [evaluation()])],
        }),
      },
    },
  });
  return { own, org, ctx, facts, findings: [...evaluateOrganization(ctx), ...evaluateAccount(facts, ctx)] };
}

describe('engine', () => {
  it('a healthy organization passes every check of the catalog', () => {
    const { findings } = healthy();
    expect(findings.filter((f) => f.status !== 'PASS')).toEqual([]);
    expect(new Set(findings.map((f) => f.checkId))).toEqual(new Set(catalog.ids()));
  });

  it('every finding carries the subject fields its scope calls for (spec/report.md)', () => {
    const { findings, own, org } = healthy();
    const subject = (f: Finding) => [f.accountId, f.region, f.resourceArn];
    for (const f of findings) {
      const scope = catalog.get(f.checkId)?.meta.scope;
      if (f.checkId === 'org.account_assessed') expect(subject(f)).toEqual([ACCOUNT, null, null]);
      else if (scope === 'org') expect(subject(f), f.checkId).toEqual([null, null, null]);
      else if (scope === 'account') expect(subject(f), f.checkId).toEqual([ACCOUNT, null, null]);
      else if (f.checkId === 'config.correlation')
        expect(f.resourceArn).toBe(
          `arn:aws:config:${HOME}:${ACCOUNT}:config-rule/config-rule-cloud-trail-enabled`,
        );
      else if (scope === 'region') {
        expect(f.accountId).toBe(ACCOUNT);
        expect(REGIONS).toContain(f.region);
        expect(f.resourceArn).toBeNull();
      } else {
        expect(scope).toBe('trail');
        const t = f.resourceArn === own.arn ? own : org;
        expect(subject(f), f.checkId).toEqual([t.ownerAccountId, t.homeRegion, t.arn]);
      }
    }
  });

  it('every finding carries its check’s metadata', () => {
    for (const f of healthy().findings) {
      const meta = catalog.get(f.checkId)!.meta;
      expect(f).toMatchObject({ severity: meta.severity, title: meta.title, compliance: meta.compliance });
      expect(f.message.length).toBeGreaterThan(0);
    }
  });

  it('organization trails are never evaluated per account, even the management account’s own', () => {
    const org = orgTrailFacts();
    const ctx = context({ auditedRegions: REGIONS, organization: { orgTrails: ok([org]) } });
    for (const accountId of [ACCOUNT, MANAGEMENT]) {
      const facts = account({
        accountId,
        regions: REGIONS,
        orgTrails: [org],
        in: { [HOME]: { trails: [org] } },
      });
      expect(evaluateAccount(facts, ctx).filter((f) => f.resourceArn === org.arn)).toEqual([]);
    }
    const fromOrg = evaluateOrganization(ctx).filter((f) => f.resourceArn === org.arn);
    expect(fromOrg.map((f) => f.checkId).sort()).toEqual(
      catalog
        .list()
        .filter((c) => c.kind === 'trail')
        .map((c) => c.meta.id)
        .sort(),
    );
  });

  it('a region that could not be read gets ERROR for every region-scope check and nothing else', () => {
    const error = errorFact('AccessDenied');
    const facts = account({
      regions: REGIONS,
      trails: [trail()],
      failedRegions: [{ region: 'eu-west-1', error }],
    });
    const inFailed = evaluateAccount(facts, context({ auditedRegions: REGIONS })).filter(
      (f) => f.region === 'eu-west-1',
    );
    expect(inFailed.map((f) => f.checkId).sort()).toEqual(REGION_CHECKS);
    for (const f of inFailed) {
      expect(f).toMatchObject({
        status: 'ERROR',
        accountId: ACCOUNT,
        resourceArn: null,
        evidence: { error },
      });
      expect(f.message).toContain('AccessDenied');
    }
  });

  it('disabled checks emit nothing, including their ERRORs for failed regions', () => {
    const disabled = new Set([
      'cloudtrail.sns_notifications',
      'cloudtrail.tamper_events',
      'cloudtrail.org_trail',
    ]);
    const facts = account({
      regions: REGIONS,
      trails: [trail({ snsTopicArn: undefined })],
      failedRegions: [{ region: 'eu-west-1', error: errorFact() }],
    });
    const ctx = context({ organization: { orgTrails: ok([orgTrailFacts()]) } });
    const all = [...evaluateAccount(facts, ctx, { disabled }), ...evaluateOrganization(ctx, { disabled })];
    expect(all.filter((f) => disabled.has(f.checkId))).toEqual([]);
    expect(all.some((f) => f.checkId === 'cloudtrail.kms_encryption')).toBe(true);
  });

  it('config.correlation still compares with a disabled check, whose own findings stay hidden', () => {
    const facts = account({
      trails: [trail({ kmsKeyId: undefined })],
      in: {
        [HOME]: {
          config: configFacts({
            rules: [rule('CLOUD_TRAIL_ENCRYPTION_ENABLED', [evaluation({ compliance: 'COMPLIANT' })])],
          }),
        },
      },
    });
    const disabled = new Set(['cloudtrail.kms_encryption']);
    const off = evaluateAccount(facts, context(), { disabled });
    expect(off.filter((f) => f.checkId === 'cloudtrail.kms_encryption')).toEqual([]);
    const correlated = off.filter((f) => f.checkId === 'config.correlation');
    expect(correlated.map((f) => f.status)).toEqual(['FAIL']);
    expect(correlated[0]?.evidence.comparisons).toEqual([
      expect.objectContaining({
        direct: expect.objectContaining({ checkId: 'cloudtrail.kms_encryption', status: 'FAIL' }),
      }),
    ]);
  });

  it('a disabled config.correlation emits nothing, not even for failed regions', () => {
    const facts = account({
      regions: REGIONS,
      trails: [trail({ kmsKeyId: undefined })],
      failedRegions: [{ region: 'eu-west-1', error: errorFact() }],
      in: {
        [HOME]: {
          config: configFacts({
            rules: [rule('CLOUD_TRAIL_ENCRYPTION_ENABLED', [evaluation({ compliance: 'COMPLIANT' })])],
          }),
        },
      },
    });
    const disabled = new Set(['config.correlation']);
    const findings = evaluateAccount(facts, context({ auditedRegions: REGIONS }), { disabled });
    expect(findings.filter((f) => f.checkId === 'config.correlation')).toEqual([]);
    expect(findings.filter((f) => f.checkId === 'cloudtrail.kms_encryption').map((f) => f.status)).toEqual([
      'FAIL',
    ]);
  });

  it('organization trail shadows seen in member regions never produce member trail findings', () => {
    const org = orgTrailFacts({ kmsKeyId: undefined });
    const facts = account({ regions: REGIONS, orgTrails: [org] });
    const ctx = context({ organization: { orgTrails: ok([org]) } });
    const findings = evaluateAccount(facts, ctx);
    expect(findings.filter((f) => catalog.get(f.checkId)?.meta.scope === 'trail')).toEqual([]);
    expect(evaluateOrganization(ctx).filter((f) => f.checkId === 'cloudtrail.kms_encryption')).toHaveLength(
      1,
    );
  });
});
