import { describe, expect, it } from 'vitest';
import {
  ALL_BUCKETS,
  account,
  accountFinding,
  advanced,
  classic,
  context,
  denied,
  managementSelector,
  orgTrailFacts,
  s3DataSelector,
  stopped,
  trail,
  withOrgTrails,
} from '../testing/builders.js';

const ID = 'cloudtrail.s3_data_events';

describe(ID, () => {
  it('PASS with a logging multi-region trail recording S3 objects of all buckets, read and write', () => {
    const f = accountFinding(
      ID,
      account({ trails: [trail({ selectors: classic({ dataResources: [ALL_BUCKETS] }) })] }),
    );
    expect(f).toMatchObject({ status: 'PASS', region: null, resourceArn: null });
  });

  it('PASS with advanced selectors, and through an organization trail', () => {
    const selectors = advanced(managementSelector(), s3DataSelector());
    expect(accountFinding(ID, account({ trails: [trail({ selectors })] })).status).toBe('PASS');
    expect(accountFinding(ID, account(), withOrgTrails(orgTrailFacts({ selectors }))).status).toBe('PASS');
  });

  it('FAIL when only write data events are recorded', () => {
    const t = trail({ selectors: classic({ readWriteType: 'WriteOnly', dataResources: [ALL_BUCKETS] }) });
    expect(accountFinding(ID, account({ trails: [t] })).status).toBe('FAIL');
  });

  it('PASS with classic ReadOnly and WriteOnly data selectors together', () => {
    const t = trail({
      selectors: classic(
        { readWriteType: 'ReadOnly', dataResources: [ALL_BUCKETS] },
        { readWriteType: 'WriteOnly', dataResources: [ALL_BUCKETS] },
      ),
    });
    expect(accountFinding(ID, account({ trails: [t] })).status).toBe('PASS');
  });

  it('FAIL when the recording trail is single-region', () => {
    expect(accountFinding(ID, account({ trails: [trail({ isMultiRegion: false })] })).status).toBe('FAIL');
  });

  it('FAIL when the recording trail is not logging', () => {
    expect(accountFinding(ID, account({ trails: [trail({ status: stopped() })] })).status).toBe('FAIL');
  });

  it('FAIL with management events only', () => {
    expect(accountFinding(ID, account({ trails: [trail({ selectors: classic() })] })).status).toBe('FAIL');
  });

  it('ERROR when selectors cannot be read and nothing else proves it', () => {
    expect(accountFinding(ID, account({ trails: [trail({ selectors: denied() })] })).status).toBe('ERROR');
    expect(accountFinding(ID, account(), context({ organization: { orgTrails: denied() } })).status).toBe(
      'ERROR',
    );
  });
});
