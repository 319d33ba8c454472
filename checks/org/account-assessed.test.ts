import { describe, expect, it } from 'vitest';
import { accountNotAssessed, evaluateAccount } from '../engine.js';
import { ACCOUNT, account, accountInfo, context, errorFact, single } from '../testing/builders.js';

const ID = 'org.account_assessed';

describe(ID, () => {
  it('PASS for an account that was entered and read, naming it', () => {
    const f = single(evaluateAccount(account(), context()).filter((x) => x.checkId === ID));
    expect(f).toMatchObject({
      status: 'PASS',
      accountId: ACCOUNT,
      region: null,
      resourceArn: null,
      severity: 'high',
    });
    expect(f.message).toContain('workload-prod');
  });

  it('FAIL with the error code, and nothing else about the account', () => {
    const found = accountNotAssessed(accountInfo(), errorFact('AccessDenied'));
    const f = single(found);
    expect(f).toMatchObject({
      checkId: ID,
      status: 'FAIL',
      accountId: ACCOUNT,
      region: null,
      resourceArn: null,
    });
    expect(f.message).toContain('AccessDenied');
    expect(f.evidence).toMatchObject({ errorCode: 'AccessDenied', ouPath: '/Root/Workloads/Prod' });
  });

  it('emits nothing when disabled', () => {
    expect(accountNotAssessed(accountInfo(), errorFact(), { disabled: new Set([ID]) })).toEqual([]);
  });
});
