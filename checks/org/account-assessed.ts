import { type Check, verdict } from '../define.js';

/** org.account_assessed: every ACTIVE in-scope account was entered and read. */
export const accountAssessed: Check = {
  kind: 'assessment',
  meta: {
    id: 'org.account_assessed',
    title: 'Account could be assessed',
    severity: 'high',
    scope: 'org',
    remediation:
      'Deploy the audit role (deploy/trailwarden-roles.yaml) to the account with a trust policy for the auditing account and the configured external id, and check that no SCP denies it.',
    compliance: [],
  },
  evaluate({ account, error }) {
    const subject = { accountId: account.accountId, region: null, resourceArn: null };
    if (!error)
      return [
        verdict('PASS', subject, `Account ${account.accountId} (${account.name}) was entered and read.`),
      ];
    return [
      verdict(
        'FAIL',
        subject,
        `Account ${account.accountId} (${account.name}) could not be assessed: ${error.code}.`,
        {
          errorCode: error.code,
          errorMessage: error.message,
          ouPath: account.ouPath,
        },
      ),
    ];
  },
};
