import type { Check } from '../define.js';
import { accountTrails, and, isLogging, managementRecording } from '../semantics.js';
import { accountVerdict } from './account-verdict.js';

/** cloudtrail.multi_region_trail */
export const multiRegionTrail: Check = {
  kind: 'account',
  meta: {
    id: 'cloudtrail.multi_region_trail',
    title: 'Account is covered by a multi-region trail recording all management events',
    severity: 'high',
    scope: 'account',
    remediation:
      'Create a multi-region trail (or rely on an organization trail) that is logging and records read and write management events.',
    compliance: ['CIS-3.0:3.1', 'SecurityHub:CloudTrail.1'],
  },
  evaluate(input) {
    const candidates = accountTrails(input.account, input.ctx).filter((t) => t.isMultiRegion);
    return [
      accountVerdict(input, candidates, (t) => and(isLogging(t), managementRecording(t.selectors).full), {
        pass: (t) =>
          `Account ${input.account.account.accountId} is covered by multi-region trail ${t.name}, logging all management events.`,
        fail: 'has no logging multi-region trail that records all management events',
      }),
    ];
  },
};
