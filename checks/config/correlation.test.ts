import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../engine.js';
import type { ConfigEvaluationFacts, ConfigRuleFacts, Result, TrailFacts } from '../facts.js';
import {
  ACCOUNT,
  account,
  accountFindings,
  configFacts,
  context,
  denied,
  errorFact,
  evaluation,
  HOME,
  hoursAgo,
  ok,
  orgTrailFacts,
  regionFinding,
  rule,
  stopped,
  trail,
  withOrgTrails,
} from '../testing/builders.js';

const ID = 'config.correlation';

/** An account whose us-east-1 has these Config rules deployed. */
function withRules(rules: ConfigRuleFacts[] | Result<ConfigRuleFacts[]>, trails: TrailFacts[] = [trail()]) {
  return account({
    regions: ['eu-west-1', HOME],
    trails,
    in: { [HOME]: { config: configFacts({ rules }) } },
  });
}

function trailEval(resourceId: string, o: Partial<ConfigEvaluationFacts> = {}) {
  return evaluation({ resourceType: 'AWS::CloudTrail::Trail', resourceId, ...o });
}

describe(ID, () => {
  it('PASS when Config agrees with the direct verdict; subject is the rule in its account-region', () => {
    const r = rule('CLOUD_TRAIL_ENABLED', [evaluation({ compliance: 'COMPLIANT' })]);
    const f = regionFinding(ID, withRules([r]), HOME);
    expect(f).toMatchObject({ status: 'PASS', accountId: ACCOUNT, region: HOME, resourceArn: r.arn });
    expect(f.message).toContain('cloudtrail.region_coverage');
  });

  it('FAIL on disagreement, with both sides, the rule name and when Config evaluated', () => {
    const evaluatedAt = hoursAgo(40);
    const r = rule('CLOUD_TRAIL_ENABLED', [evaluation({ compliance: 'COMPLIANT', recordedAt: evaluatedAt })]);
    const f = regionFinding(ID, withRules([r], [trail({ status: stopped() })]), HOME);
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain(r.name);
    expect(f.message).toContain(evaluatedAt);
    expect(f.evidence).toMatchObject({
      rule: r.name,
      ruleArn: r.arn,
      identifier: 'CLOUD_TRAIL_ENABLED',
      mirrors: 'cloudtrail.region_coverage',
      comparisons: [
        {
          resourceType: 'AWS::::Account',
          config: { compliance: 'COMPLIANT', evaluatedAt },
          direct: { checkId: 'cloudtrail.region_coverage', status: 'FAIL' },
          agree: false,
        },
      ],
    });
  });

  it('FAIL when Config says NON_COMPLIANT and the direct verdict is PASS', () => {
    const r = rule('MULTI_REGION_CLOUD_TRAIL_ENABLED', [evaluation({ compliance: 'NON_COMPLIANT' })]);
    expect(regionFinding(ID, withRules([r]), HOME).status).toBe('FAIL');
  });

  it('ERROR when the direct verdict is ERROR', () => {
    const r = rule('CLOUD_TRAIL_ENABLED', [evaluation()]);
    const f = regionFinding(ID, withRules([r], [trail({ status: denied() })]), HOME);
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('cloudtrail.region_coverage could not be evaluated');
    expect(f.evidence.comparisons).toEqual([
      expect.objectContaining({
        agree: null,
        direct: expect.objectContaining({ checkId: 'cloudtrail.region_coverage', status: 'ERROR' }),
        note: expect.stringContaining('not counted as a disagreement'),
      }),
    ]);
  });

  it('a disagreement outweighs a direct ERROR on another resource', () => {
    const unreadable = trail({ name: 'a', status: denied() });
    const noLogs = trail({ name: 'b', cloudWatchLogsLogGroupArn: undefined });
    const r = rule('CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED', [
      trailEval('a', { compliance: 'COMPLIANT' }),
      trailEval('b', { compliance: 'COMPLIANT' }),
    ]);
    const f = regionFinding(ID, withRules([r], [unreadable, noLogs]), HOME);
    expect(f.status).toBe('FAIL');
    expect((f.evidence.comparisons as { direct: { status: string } }[]).map((c) => c.direct.status)).toEqual([
      'ERROR',
      'FAIL',
    ]);
  });

  it('no finding when Config only says INSUFFICIENT_DATA or NOT_APPLICABLE', () => {
    const r = rule('CLOUD_TRAIL_ENABLED', [
      evaluation({ compliance: 'INSUFFICIENT_DATA' }),
      evaluation({ compliance: 'NOT_APPLICABLE' }),
    ]);
    expect(accountFindings(ID, withRules([r]))).toEqual([]);
  });

  it('no finding without correlated rules, or for rules that are not AWS managed', () => {
    expect(accountFindings(ID, withRules([]))).toEqual([]);
    const custom = rule('CLOUD_TRAIL_ENABLED', [evaluation({ compliance: 'NON_COMPLIANT' })], {
      sourceOwner: 'CUSTOM_LAMBDA',
    });
    const other = rule('S3_BUCKET_VERSIONING_ENABLED', [evaluation({ compliance: 'NON_COMPLIANT' })]);
    expect(accountFindings(ID, withRules([custom, other]))).toEqual([]);
  });

  it('ERROR when the evaluations of a rule cannot be read', () => {
    const r = rule('CLOUD_TRAIL_ENABLED', denied('ThrottlingException'));
    const f = regionFinding(ID, withRules([r]), HOME);
    expect(f).toMatchObject({ status: 'ERROR', resourceArn: r.arn });
    expect(f.evidence.error).toEqual(errorFact('ThrottlingException'));
  });

  it('ERROR, about the region, when the deployed rules cannot be read', () => {
    const f = regionFinding(ID, withRules(denied()), HOME);
    expect(f).toMatchObject({ status: 'ERROR', accountId: ACCOUNT, region: HOME, resourceArn: null });
    expect(f.message).toContain('AccessDenied');
  });

  it('AWS::CloudTrail::Trail results are matched by trail name or by ARN', () => {
    const t = trail({ logFileValidationEnabled: false });
    for (const id of [t.name, t.arn]) {
      const r = rule('CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', [trailEval(id, { compliance: 'COMPLIANT' })]);
      const f = regionFinding(ID, withRules([r], [t]), HOME);
      expect(f.status, id).toBe('FAIL');
      expect((f.evidence.comparisons as { direct: { subject: string } }[])[0]?.direct.subject).toBe(t.arn);
    }
  });

  it('a trail name is matched to the trail of this region, not a namesake homed elsewhere', () => {
    const here = trail({ isMultiRegion: false, homeRegion: HOME, logFileValidationEnabled: true });
    const there = trail({ isMultiRegion: false, homeRegion: 'eu-west-1', logFileValidationEnabled: false });
    const r = rule('CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', [
      trailEval('main', { compliance: 'COMPLIANT' }),
    ]);
    expect(regionFinding(ID, withRules([r], [here, there]), HOME).status).toBe('PASS');
  });

  it('an own trail wins over an organization trail of the same name', () => {
    const own = trail({ name: 'audit', kmsKeyId: undefined });
    const org = orgTrailFacts({ name: 'audit' });
    const r = rule('CLOUD_TRAIL_ENCRYPTION_ENABLED', [trailEval('audit', { compliance: 'NON_COMPLIANT' })]);
    const facts = withRules([r], [own]);
    expect(regionFinding(ID, facts, HOME, withOrgTrails(org)).status).toBe('PASS');
  });

  it('a trail Config names that trailwarden does not know gives no comparison', () => {
    const r = rule('CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', [trailEval('deleted-trail')]);
    expect(accountFindings(ID, withRules([r]))).toEqual([]);
  });

  it('AWS::::Account results of trail-level rules compare with every trail visible in the region', () => {
    const multi = trail({ name: 'multi' });
    const elsewhere = trail({
      name: 'eu',
      isMultiRegion: false,
      homeRegion: 'eu-west-1',
      kmsKeyId: undefined,
    });
    const local = trail({ name: 'local', isMultiRegion: false, homeRegion: HOME, kmsKeyId: undefined });
    const r = rule('CLOUD_TRAIL_ENCRYPTION_ENABLED', [evaluation({ compliance: 'COMPLIANT' })]);
    // The unencrypted eu-west-1 trail is not visible in us-east-1: Config and trailwarden agree.
    expect(regionFinding(ID, withRules([r], [multi, elsewhere]), HOME).status).toBe('PASS');
    // An unencrypted trail homed here makes trailwarden's side FAIL.
    const f = regionFinding(ID, withRules([r], [multi, local]), HOME);
    expect(f.status).toBe('FAIL');
    expect(f.evidence.comparisons).toEqual([
      expect.objectContaining({
        direct: expect.objectContaining({ status: 'FAIL', subject: `account ${ACCOUNT}` }),
      }),
    ]);
  });

  it('organization trails count among the trails visible in the region', () => {
    const r = rule('CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', [evaluation({ compliance: 'NON_COMPLIANT' })]);
    const ctx = withOrgTrails(orgTrailFacts({ logFileValidationEnabled: false }));
    expect(regionFinding(ID, withRules([r]), HOME, ctx).status).toBe('PASS');
    // ...but their trail findings are reported by evaluateOrganization only.
    expect(evaluateAccount(withRules([r]), ctx).filter((f) => f.resourceArn === orgTrailFacts().arn)).toEqual(
      [],
    );
  });

  it('each mapped rule compares with its own check', () => {
    const cases: [string, Partial<TrailFacts>][] = [
      ['CLOUD_TRAIL_ENABLED', { status: stopped() }],
      ['MULTI_REGION_CLOUD_TRAIL_ENABLED', { isMultiRegion: false }],
      ['CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', { logFileValidationEnabled: false }],
      ['CLOUD_TRAIL_ENCRYPTION_ENABLED', { kmsKeyId: undefined }],
      ['CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED', { cloudWatchLogsLogGroupArn: undefined }],
      ['CLOUDTRAIL_S3_DATAEVENTS_ENABLED', { selectors: ok({ classic: [], advanced: [] }) }],
    ];
    for (const [identifier, broken] of cases) {
      const r = rule(identifier, [evaluation({ compliance: 'COMPLIANT' })]);
      expect(regionFinding(ID, withRules([r]), HOME).status, `${identifier} healthy`).toBe('PASS');
      expect(regionFinding(ID, withRules([r], [trail(broken)]), HOME).status, `${identifier} broken`).toBe(
        'FAIL',
      );
    }
  });

  it('rules in another region are compared with that region’s verdicts', () => {
    const t = trail({ isMultiRegion: false, homeRegion: HOME });
    const r = rule('CLOUD_TRAIL_ENABLED', [evaluation({ compliance: 'COMPLIANT' })], { region: 'eu-west-1' });
    const facts = account({
      regions: ['eu-west-1', HOME],
      trails: [t],
      in: { 'eu-west-1': { config: configFacts({ rules: [r] }) } },
    });
    // eu-west-1 is not covered by a single-region us-east-1 trail, whatever Config says.
    expect(regionFinding(ID, facts, 'eu-west-1', context()).status).toBe('FAIL');
  });
});
