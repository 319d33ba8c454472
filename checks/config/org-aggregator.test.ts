import { describe, expect, it } from 'vitest';
import type { AggregatorFacts } from '../facts.js';
import { aggregator, context, denied, MANAGEMENT, ok, orgFindings, single } from '../testing/builders.js';

const ID = 'config.org_aggregator';
const AUDITED = ['eu-west-1', 'us-east-1'];

function verdictFor(aggregators: AggregatorFacts[], delegatedConfigAdmins: string[] = []) {
  return single(
    orgFindings(
      ID,
      context({
        auditedRegions: AUDITED,
        organization: { aggregators: ok(aggregators), delegatedConfigAdmins },
      }),
    ),
  );
}

describe(ID, () => {
  it('PASS with an organization aggregator over all regions in the management account', () => {
    expect(verdictFor([aggregator()])).toMatchObject({
      status: 'PASS',
      accountId: null,
      region: null,
      resourceArn: null,
    });
  });

  it('PASS in a delegated administrator account', () => {
    expect(verdictFor([aggregator({ accountId: '333333333333' })], ['333333333333']).status).toBe('PASS');
  });

  it('FAIL in an account that is neither management nor delegated administrator', () => {
    expect(verdictFor([aggregator({ accountId: '333333333333' })]).status).toBe('FAIL');
  });

  it('PASS when its regions include every audited region, FAIL when one is missing', () => {
    expect(
      verdictFor([aggregator({ allRegions: false, regions: ['eu-west-1', 'us-east-1', 'us-west-2'] })])
        .status,
    ).toBe('PASS');
    const f = verdictFor([aggregator({ allRegions: false, regions: ['us-east-1'] })]);
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('misses audited regions');
  });

  it('FAIL with an account-source aggregator only', () => {
    const f = verdictFor([aggregator({ organizationSource: false, accountId: MANAGEMENT })]);
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('No Config aggregator with an organization source');
  });

  it('FAIL without any aggregator', () => {
    expect(verdictFor([]).status).toBe('FAIL');
  });

  it('ERROR when aggregators cannot be read', () => {
    expect(single(orgFindings(ID, context({ organization: { aggregators: denied() } }))).status).toBe(
      'ERROR',
    );
  });
});
