import { type Check, verdict } from '../define.js';
import { errorOf, valueIn } from '../semantics.js';

const ORG = { accountId: null, region: null, resourceArn: null };

/** config.org_aggregator: an organization-wide Config aggregator over all (audited) regions exists. */
export const orgAggregator: Check = {
  kind: 'org',
  meta: {
    id: 'config.org_aggregator',
    title: 'AWS Config aggregator covers the organization',
    severity: 'low',
    scope: 'org',
    remediation:
      'Create an AWS Config aggregator with an organization source and all regions in the management account or a delegated administrator for AWS Config.',
    compliance: [],
  },
  evaluate({ org, ctx }) {
    const err = errorOf(org.aggregators);
    if (err)
      return [verdict('ERROR', ORG, `Config aggregators could not be read: ${err.code}.`, { error: err })];
    const owners = new Set([org.managementAccountId, ...org.delegatedConfigAdmins]);
    const all = valueIn(org.aggregators) ?? [];
    const evidence = {
      aggregators: all.map((a) => ({
        arn: a.arn,
        accountId: a.accountId,
        region: a.region,
        organizationSource: a.organizationSource,
        allRegions: a.allRegions,
        regions: a.regions,
      })),
      auditedRegions: ctx.auditedRegions,
      delegatedAdministrators: org.delegatedConfigAdmins,
    };
    const good = all.find(
      (a) =>
        owners.has(a.accountId) &&
        a.organizationSource &&
        (a.allRegions || ctx.auditedRegions.every((r) => a.regions.includes(r))),
    );
    if (good)
      return [
        verdict(
          'PASS',
          ORG,
          `Config aggregator ${good.name} (${good.accountId}, ${good.region}) covers the organization.`,
          evidence,
        ),
      ];
    const partial = all.find((a) => owners.has(a.accountId) && a.organizationSource);
    const message = partial
      ? `Config aggregator ${partial.name} has an organization source but misses audited regions.`
      : `No Config aggregator with an organization source exists in the management account or a delegated administrator.`;
    return [verdict('FAIL', ORG, message, evidence)];
  },
};
