import { describe, expect, it } from 'vitest';
import {
  account,
  accountFinding,
  denied,
  ok,
  orgTrailFacts,
  stopped,
  trail,
  withOrgTrails,
} from '../testing/builders.js';

const ID = 'cloudtrail.insights';

describe(ID, () => {
  it('PASS with ApiCallRateInsight or ApiErrorRateInsight on a logging trail', () => {
    for (const kind of ['ApiCallRateInsight', 'ApiErrorRateInsight']) {
      expect(accountFinding(ID, account({ trails: [trail({ insights: ok([kind]) })] })).status, kind).toBe(
        'PASS',
      );
    }
  });

  it('PASS with insights on a single-region trail (any logging trail will do)', () => {
    expect(accountFinding(ID, account({ trails: [trail({ isMultiRegion: false })] })).status).toBe('PASS');
  });

  it('PASS through the organization trail', () => {
    expect(accountFinding(ID, account(), withOrgTrails(orgTrailFacts())).status).toBe('PASS');
  });

  it('FAIL without insights', () => {
    const f = accountFinding(ID, account({ trails: [trail({ insights: ok([]) })] }));
    expect(f).toMatchObject({ status: 'FAIL', region: null, resourceArn: null });
  });

  it('FAIL when the trail with insights is not logging, even if its insights cannot be read', () => {
    expect(accountFinding(ID, account({ trails: [trail({ status: stopped() })] })).status).toBe('FAIL');
    expect(
      accountFinding(ID, account({ trails: [trail({ status: stopped(), insights: denied() })] })).status,
    ).toBe('FAIL');
  });

  it('ERROR when the insight selectors cannot be read on a logging trail', () => {
    expect(accountFinding(ID, account({ trails: [trail({ insights: denied() })] })).status).toBe('ERROR');
  });
});
