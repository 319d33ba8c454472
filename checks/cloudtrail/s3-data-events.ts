import type { Check } from '../define.js';
import { accountTrails, and, isLogging, recordsAllS3DataEvents } from '../semantics.js';
import { accountVerdict } from './account-verdict.js';

/** cloudtrail.s3_data_events */
export const s3DataEvents: Check = {
  kind: 'account',
  meta: {
    id: 'cloudtrail.s3_data_events',
    title: 'S3 object-level read and write events are recorded for all buckets',
    severity: 'low',
    scope: 'account',
    remediation:
      'Add a data event selector for AWS::S3::Object on all buckets (read and write) to a logging multi-region trail (classic: arn:aws:s3; advanced: resources.type = AWS::S3::Object).',
    compliance: ['CIS-3.0:3.8', 'CIS-3.0:3.9'],
  },
  evaluate(input) {
    const candidates = accountTrails(input.account, input.ctx).filter((t) => t.isMultiRegion);
    return [
      accountVerdict(input, candidates, (t) => and(isLogging(t), recordsAllS3DataEvents(t.selectors)), {
        pass: (t) =>
          `Trail ${t.name} records S3 object-level read and write events for all buckets of account ${input.account.account.accountId}.`,
        fail: 'has no logging multi-region trail recording S3 object-level read and write events for all buckets',
      }),
    ];
  },
};
