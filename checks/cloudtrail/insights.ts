import type { Check } from '../define.js';
import type { TrailFacts } from '../facts.js';
import { accountTrails, and, isLogging, type Tri, valueIn } from '../semantics.js';
import { accountVerdict } from './account-verdict.js';

/** cloudtrail.insights */
export const accountInsights: Check = {
  kind: 'account',
  meta: {
    id: 'cloudtrail.insights',
    title: 'CloudTrail Insights is enabled on a logging trail',
    severity: 'low',
    scope: 'account',
    remediation:
      'Enable CloudTrail Insights (ApiCallRateInsight and/or ApiErrorRateInsight) on a logging trail.',
    compliance: [],
  },
  evaluate(input) {
    const candidates = accountTrails(input.account, input.ctx);
    const has = (t: TrailFacts): Tri => {
      const v = valueIn(t.insights);
      if (!v) return 'unknown';
      return v.some((i) => i === 'ApiCallRateInsight' || i === 'ApiErrorRateInsight') ? 'yes' : 'no';
    };
    return [
      accountVerdict(input, candidates, (t) => and(isLogging(t), has(t)), {
        pass: (t) =>
          `Trail ${t.name} has CloudTrail Insights for account ${input.account.account.accountId}.`,
        fail: 'has no logging trail with CloudTrail Insights',
      }),
    ];
  },
};
