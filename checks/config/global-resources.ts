import { type Check, verdict } from '../define.js';
import { errorOf, valueIn } from '../semantics.js';

/** config.global_resources: some recording recorder in the account records global resource types. */
export const globalResources: Check = {
  kind: 'account',
  meta: {
    id: 'config.global_resources',
    title: 'AWS Config records global resources (IAM) in one region',
    severity: 'low',
    scope: 'account',
    remediation:
      'In one region (usually the home region), set the configuration recorder to include global resource types (IAM users, roles, policies) and keep it recording.',
    compliance: ['CIS-3.0:3.3'],
  },
  evaluate({ account }) {
    const subject = { accountId: account.account.accountId, region: null, resourceArn: null };
    const recorders = account.regions.flatMap((r) =>
      (valueIn(r.config.recorders) ?? []).map((rec) => ({ region: r.region, rec })),
    );
    const evidence = {
      recorders: recorders.map(({ region, rec }) => ({
        region,
        name: rec.name,
        recording: rec.recording ?? null,
        includeGlobalResourceTypes: rec.includeGlobalResourceTypes,
      })),
    };
    const hit = recorders.find(
      ({ rec }) =>
        rec.recording === true &&
        (rec.includeGlobalResourceTypes || rec.resourceTypes.some((t) => t.startsWith('AWS::IAM::'))),
    );
    if (hit)
      return [
        verdict(
          'PASS',
          subject,
          `The recorder ${hit.rec.name} in ${hit.region} records global resource types.`,
          evidence,
        ),
      ];
    const gaps = [
      ...account.regions.flatMap((r) => {
        const e = errorOf(r.config.recorders);
        return e ? [`${r.region}: ${e.code}`] : [];
      }),
      ...account.failedRegions.map((f) => `${f.region}: ${f.error.code}`),
    ];
    if (gaps.length > 0) {
      return [
        verdict(
          'ERROR',
          subject,
          `Account ${subject.accountId}: recorders could not be read in ${gaps.join(', ')}.`,
          { ...evidence, gaps },
        ),
      ];
    }
    return [
      verdict(
        'FAIL',
        subject,
        `No recording AWS Config recorder of account ${subject.accountId} records global resource types.`,
        evidence,
      ),
    ];
  },
};
