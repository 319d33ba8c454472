import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  account,
  accountFindings,
  advanced,
  classic,
  context,
  denied,
  errorFact,
  MANAGEMENT,
  managementSelector,
  orgTrailFacts,
  regionFinding,
  stopped,
  trail,
  withOrgTrails,
} from '../testing/builders.js';

const ID = 'cloudtrail.region_coverage';
const REGIONS = ['eu-west-1', 'us-east-1'];

describe(ID, () => {
  it('PASS in every region with a logging multi-region trail', () => {
    const facts = account({ regions: REGIONS, trails: [trail()] });
    const found = accountFindings(ID, facts);
    expect(found.map((f) => [f.region, f.status])).toEqual([
      ['eu-west-1', 'PASS'],
      ['us-east-1', 'PASS'],
    ]);
    for (const f of found) expect(f).toMatchObject({ accountId: ACCOUNT, resourceArn: null });
  });

  it('a single-region trail covers only its home region', () => {
    const facts = account({
      regions: REGIONS,
      trails: [trail({ isMultiRegion: false, homeRegion: 'eu-west-1' })],
    });
    expect(regionFinding(ID, facts, 'eu-west-1').status).toBe('PASS');
    const other = regionFinding(ID, facts, 'us-east-1');
    expect(other.status).toBe('FAIL');
    expect(other.message).toContain('no trail covers it');
  });

  it('write-only or read-only management events still cover the region (any ReadWriteType)', () => {
    for (const selectors of [classic({ readWriteType: 'WriteOnly' }), advanced(managementSelector(true))]) {
      expect(regionFinding(ID, account({ trails: [trail({ selectors })] }), 'us-east-1').status).toBe('PASS');
    }
  });

  it('FAIL when the only trail excludes management events', () => {
    const facts = account({ trails: [trail({ selectors: classic({ includeManagementEvents: false }) })] });
    const f = regionFinding(ID, facts, 'us-east-1');
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('no covering trail is logging and recording management events');
  });

  it('FAIL when the only trail is stopped', () => {
    expect(regionFinding(ID, account({ trails: [trail({ status: stopped() })] }), 'us-east-1').status).toBe(
      'FAIL',
    );
  });

  it('an organization trail covers members and the management account; stopped, it covers none', () => {
    const logging = withOrgTrails(orgTrailFacts());
    const off = withOrgTrails(orgTrailFacts({ status: stopped() }));
    for (const accountId of [ACCOUNT, MANAGEMENT]) {
      const facts = account({ accountId, regions: REGIONS });
      expect(accountFindings(ID, facts, logging).map((f) => f.status)).toEqual(['PASS', 'PASS']);
      expect(accountFindings(ID, facts, off).map((f) => f.status)).toEqual(['FAIL', 'FAIL']);
    }
  });

  it('ERROR when status of the only candidate cannot be read', () => {
    const f = regionFinding(ID, account({ trails: [trail({ status: denied() })] }), 'us-east-1');
    expect(f.status).toBe('ERROR');
    expect(f.evidence.gaps).toEqual(['trail main: status or event selectors could not be read']);
  });

  it('ERROR when DescribeTrails failed in the region and no trail read elsewhere covers it', () => {
    const facts = account({ regions: REGIONS, in: { 'eu-west-1': { visibleTrails: denied() } } });
    expect(regionFinding(ID, facts, 'eu-west-1').status).toBe('ERROR');
    // The gap is about eu-west-1 only: us-east-1 is certainly uncovered.
    expect(regionFinding(ID, facts, 'us-east-1').status).toBe('FAIL');
  });

  it('PASS despite unreadable organization trails when an own trail covers the region', () => {
    const ctx = context({ organization: { orgTrails: denied() } });
    expect(regionFinding(ID, account({ trails: [trail()] }), 'us-east-1', ctx).status).toBe('PASS');
    expect(regionFinding(ID, account(), 'us-east-1', ctx).status).toBe('ERROR');
  });

  it('a region that could not be read is ERROR, never PASS or FAIL', () => {
    const facts = account({
      regions: REGIONS,
      trails: [trail()],
      failedRegions: [{ region: 'eu-west-1', error: errorFact('ThrottlingException') }],
    });
    const f = regionFinding(ID, facts, 'eu-west-1');
    expect(f).toMatchObject({ status: 'ERROR', accountId: ACCOUNT, resourceArn: null });
    expect(f.message).toContain('ThrottlingException');
  });

  it('disabled regions get no finding', () => {
    const facts = account({ regions: ['us-east-1'], trails: [trail()], disabledRegions: ['ap-east-1'] });
    expect(accountFindings(ID, facts).map((f) => f.region)).toEqual(['us-east-1']);
  });
});
