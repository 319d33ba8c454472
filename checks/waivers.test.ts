import { describe, expect, it } from 'vitest';
import type { AccountInfo } from './facts.js';
import { ACCOUNT, accountInfo, finding, HOME, NOW, waiver } from './testing/builders.js';
import type { Finding } from './types.js';
import { applyWaivers, ouMatches } from './waivers.js';

const PROD = accountInfo();
const SANDBOX = accountInfo({
  accountId: '222222222222',
  name: 'sandbox-1',
  ouPath: '/Root/Sandbox',
  ouIds: ['r-ab12', 'ou-ab12-33333333'],
});
const ACCOUNTS: ReadonlyMap<string, AccountInfo> = new Map([PROD, SANDBOX].map((a) => [a.accountId, a]));

function apply(findings: Finding[], ...waivers: Parameters<typeof waiver>[0][]) {
  return applyWaivers(findings, waivers.map(waiver), ACCOUNTS, NOW);
}

function statusAfter(f: Partial<Finding>, w: Parameters<typeof waiver>[0]) {
  return apply([finding(f)], w).findings[0]?.status;
}

describe('ouMatches', () => {
  it('matches OU ids and the root id anywhere above the account', () => {
    expect(ouMatches(PROD, 'ou-ab12-11111111')).toBe(true);
    expect(ouMatches(PROD, 'ou-ab12-22222222')).toBe(true);
    expect(ouMatches(PROD, 'r-ab12')).toBe(true);
    expect(ouMatches(PROD, 'ou-ab12-33333333')).toBe(false);
  });

  it('matches OU paths with and without /Root, at any depth, with a trailing slash', () => {
    for (const ref of [
      '/Workloads',
      '/Root/Workloads',
      '/Workloads/Prod',
      '/Root/Workloads/Prod',
      '/Workloads/',
      '/Root',
      '/',
    ]) {
      expect(ouMatches(PROD, ref), ref).toBe(true);
    }
  });

  it('does not match a sibling, a name prefix, or a deeper OU', () => {
    for (const ref of ['/Sandbox', '/Work', '/Workloads/Prod/Payments', '/Root/Sandbox', '/Prod']) {
      expect(ouMatches(PROD, ref), ref).toBe(false);
    }
  });

  it('an account directly under the root matches only the root', () => {
    const top = accountInfo({ ouPath: '/Root', ouIds: ['r-ab12'] });
    expect(ouMatches(top, '/')).toBe(true);
    expect(ouMatches(top, '/Root')).toBe(true);
    expect(ouMatches(top, '/Workloads')).toBe(false);
  });
});

describe('applyWaivers', () => {
  it('turns a matching FAIL into WAIVED with the waiver attached', () => {
    const w = {
      check: 'cloudtrail.kms_encryption',
      accounts: [ACCOUNT],
      reason: 'legacy bucket',
      expires: '2027-03-31',
    };
    const { findings, expired } = apply([finding()], w);
    expect(findings[0]).toMatchObject({
      status: 'WAIVED',
      waiver: { reason: 'legacy bucket', expires: '2027-03-31' },
    });
    expect(expired).toEqual([]);
  });

  it('leaves PASS and ERROR untouched', () => {
    const w = { check: 'cloudtrail.kms_encryption' };
    const { findings } = apply([finding({ status: 'PASS' }), finding({ status: 'ERROR' })], w);
    expect(findings.map((f) => [f.status, f.waiver])).toEqual([
      ['PASS', undefined],
      ['ERROR', undefined],
    ]);
  });

  it('needs the same check id', () => {
    expect(statusAfter({}, { check: 'cloudtrail.log_file_validation' })).toBe('FAIL');
  });

  it('by account', () => {
    expect(statusAfter({}, { check: 'cloudtrail.kms_encryption', accounts: [ACCOUNT] })).toBe('WAIVED');
    expect(statusAfter({}, { check: 'cloudtrail.kms_encryption', accounts: ['222222222222'] })).toBe('FAIL');
  });

  it('by OU id and by OU path, with and without /Root', () => {
    for (const ou of ['ou-ab12-22222222', '/Workloads', '/Root/Workloads/Prod']) {
      expect(statusAfter({}, { check: 'cloudtrail.kms_encryption', ous: [ou] }), ou).toBe('WAIVED');
    }
    expect(statusAfter({}, { check: 'cloudtrail.kms_encryption', ous: ['/Sandbox'] })).toBe('FAIL');
    expect(
      statusAfter(
        { accountId: SANDBOX.accountId },
        { check: 'cloudtrail.kms_encryption', ous: ['/Sandbox'] },
      ),
    ).toBe('WAIVED');
  });

  it('an OU waiver does not apply to an account it cannot place', () => {
    expect(
      statusAfter({ accountId: '444444444444' }, { check: 'cloudtrail.kms_encryption', ous: ['/'] }),
    ).toBe('FAIL');
  });

  it('by region: the region of region- and trail-scope findings; never account-scope findings', () => {
    const w = { check: 'cloudtrail.kms_encryption', regions: [HOME] };
    expect(statusAfter({}, w)).toBe('WAIVED');
    expect(statusAfter({ region: 'eu-west-1' }, w)).toBe('FAIL');
    const s3 = { check: 'cloudtrail.s3_data_events', regions: [HOME] };
    expect(statusAfter({ checkId: 'cloudtrail.s3_data_events', region: null, resourceArn: null }, s3)).toBe(
      'FAIL',
    );
  });

  it('combined conditions must all hold', () => {
    const w = {
      check: 'cloudtrail.kms_encryption',
      accounts: [ACCOUNT],
      ous: ['/Workloads'],
      regions: [HOME],
    };
    expect(statusAfter({}, w)).toBe('WAIVED');
    expect(statusAfter({ region: 'eu-west-1' }, w)).toBe('FAIL');
    expect(statusAfter({}, { ...w, ous: ['/Sandbox'] })).toBe('FAIL');
    expect(statusAfter({}, { ...w, accounts: ['222222222222'] })).toBe('FAIL');
  });

  it('a waiver without conditions covers every FAIL of its check, organization-scope ones too', () => {
    const org = { checkId: 'cloudtrail.org_trail', accountId: null, region: null, resourceArn: null };
    expect(statusAfter(org, { check: 'cloudtrail.org_trail' })).toBe('WAIVED');
    expect(statusAfter(org, { check: 'cloudtrail.org_trail', ous: ['/'] })).toBe('FAIL');
  });

  it('expired waivers are returned and not applied; one expiring today still applies', () => {
    const today = NOW.toISOString().slice(0, 10);
    const old = waiver({ check: 'cloudtrail.kms_encryption', expires: '2026-05-31' });
    const last = waiver({ check: 'cloudtrail.log_file_validation', expires: today });
    const { findings, expired } = applyWaivers(
      [finding(), finding({ checkId: 'cloudtrail.log_file_validation' })],
      [old, last],
      ACCOUNTS,
      NOW,
    );
    expect(findings.map((f) => f.status)).toEqual(['FAIL', 'WAIVED']);
    expect(expired).toEqual([old]);
  });

  it('does not modify the findings it is given', () => {
    const input = [finding()];
    apply(input, { check: 'cloudtrail.kms_encryption' });
    expect(input[0]?.status).toBe('FAIL');
    expect(input[0]?.waiver).toBeUndefined();
  });
});
