import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  account,
  accountFinding,
  advanced,
  classic,
  context,
  denied,
  errorFact,
  managementSelector,
  ok,
  orgTrailFacts,
  stopped,
  trail,
  withOrgTrails,
} from '../testing/builders.js';

const ID = 'cloudtrail.multi_region_trail';

describe(ID, () => {
  it('PASS with an own logging multi-region trail recording all management events', () => {
    const t = trail();
    const f = accountFinding(ID, account({ trails: [t] }));
    expect(f).toMatchObject({ status: 'PASS', accountId: ACCOUNT, region: null, resourceArn: null });
    expect(f.evidence.satisfiedBy).toBe(t.arn);
  });

  it('PASS through a logging organization trail, for members and the management account alike', () => {
    const ctx = withOrgTrails(orgTrailFacts());
    expect(accountFinding(ID, account(), ctx).status).toBe('PASS');
    expect(accountFinding(ID, account({ accountId: '999999999999' }), ctx).status).toBe('PASS');
  });

  it('FAIL when the organization trail is stopped and nothing else covers the account', () => {
    const ctx = withOrgTrails(orgTrailFacts({ status: stopped() }));
    const f = accountFinding(ID, account(), ctx);
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain(ACCOUNT);
  });

  it('FAIL with only a single-region trail, even one that is logging and complete', () => {
    expect(accountFinding(ID, account({ trails: [trail({ isMultiRegion: false })] })).status).toBe('FAIL');
  });

  it('FAIL with no trail at all', () => {
    expect(accountFinding(ID, account()).status).toBe('FAIL');
  });

  it('FAIL when the multi-region trail records only write management events', () => {
    expect(
      accountFinding(ID, account({ trails: [trail({ selectors: classic({ readWriteType: 'WriteOnly' }) })] }))
        .status,
    ).toBe('FAIL');
    expect(
      accountFinding(ID, account({ trails: [trail({ selectors: advanced(managementSelector(false)) })] }))
        .status,
    ).toBe('FAIL');
  });

  it('PASS with advanced readOnly=true and readOnly=false management selectors', () => {
    const t = trail({ selectors: advanced(managementSelector(true), managementSelector(false)) });
    expect(accountFinding(ID, account({ trails: [t] })).status).toBe('PASS');
  });

  it('FAIL when management events are excluded', () => {
    const t = trail({ selectors: classic({ includeManagementEvents: false }) });
    expect(accountFinding(ID, account({ trails: [t] })).status).toBe('FAIL');
  });

  it('FAIL when the multi-region trail is stopped', () => {
    expect(accountFinding(ID, account({ trails: [trail({ status: stopped() })] })).status).toBe('FAIL');
  });

  it('ERROR, not FAIL, when the trail status cannot be read', () => {
    const f = accountFinding(ID, account({ trails: [trail({ status: denied() })] }));
    expect(f.status).toBe('ERROR');
    expect(f.evidence.gaps).toEqual(['trail main: status, selectors or insights could not be read']);
  });

  it('ERROR when the organization trails could not be read and no own trail proves coverage', () => {
    const ctx = context({ organization: { orgTrails: denied() } });
    const f = accountFinding(ID, account(), ctx);
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('organization trails could not be read (AccessDenied)');
  });

  it('PASS despite unreadable facts elsewhere when an own trail proves coverage', () => {
    const ctx = context({ organization: { orgTrails: denied() } });
    const facts = account({
      regions: ['eu-west-1', 'us-east-1'],
      trails: [trail()],
      failedRegions: [{ region: 'eu-west-1', error: errorFact() }],
    });
    expect(accountFinding(ID, facts, ctx).status).toBe('PASS');
  });

  it('ERROR when a region could not be read (it may hold the home of a covering trail)', () => {
    const facts = account({
      regions: ['eu-west-1', 'us-east-1'],
      failedRegions: [{ region: 'eu-west-1', error: errorFact('ThrottlingException') }],
    });
    expect(accountFinding(ID, facts).status).toBe('ERROR');
  });

  it('ERROR when an own multi-region trail is seen as a shadow but its home region was not read', () => {
    const t = trail({ homeRegion: 'eu-west-1' });
    const facts = account({
      regions: ['eu-west-1', 'us-east-1'],
      trails: [t],
      in: { 'eu-west-1': { trails: [] } },
    });
    const f = accountFinding(ID, facts);
    expect(f.status).toBe('ERROR');
    expect(f.evidence.gaps).toContain('trail main (home eu-west-1) could not be read in its home region');
  });

  it('ERROR when DescribeTrails failed in a region', () => {
    const facts = account({ regions: ['us-east-1'], in: { 'us-east-1': { visibleTrails: denied() } } });
    expect(accountFinding(ID, facts).status).toBe('ERROR');
  });

  it('a trail homed outside the audited regions still counts (read in the first audited region)', () => {
    const t = trail({ homeRegion: 'ap-south-1' });
    const facts = account({ regions: ['eu-west-1', 'us-east-1'], trails: [t] });
    expect(facts.regions[0]?.trails).toEqual([t]);
    expect(accountFinding(ID, facts).status).toBe('PASS');
  });

  it('lists every candidate trail in its evidence', () => {
    const own = trail({ name: 'own', status: stopped() });
    const f = accountFinding(
      ID,
      account({ trails: [own] }),
      withOrgTrails(orgTrailFacts({ selectors: ok({ classic: [], advanced: [] }) })),
    );
    expect(f.status).toBe('FAIL');
    expect((f.evidence.trails as { trailArn: string }[]).map((t) => t.trailArn)).toHaveLength(2);
  });
});
