import { type Check, verdict } from '../define.js';
import { accountTrails, coversRegion, trailEvidence, trailGaps } from '../semantics.js';

/** cloudtrail.region_coverage: a logging trail that records management events covers the account-region. */
export const regionCoverage: Check = {
  kind: 'region',
  meta: {
    id: 'cloudtrail.region_coverage',
    title: 'Account-region is covered by a logging trail recording management events',
    severity: 'high',
    scope: 'region',
    remediation:
      'Make sure a trail that is logging and records management events covers this region: a multi-region trail of the account, an organization trail, or a trail homed in this region.',
    compliance: ['CIS-3.0:3.1', 'SecurityHub:CloudTrail.3'],
  },
  evaluate({ region, account, ctx }) {
    const subject = { accountId: region.accountId, region: region.region, resourceArn: null };
    const candidates = accountTrails(account, ctx).filter(
      (t) => t.isMultiRegion || t.homeRegion === region.region,
    );
    const results = candidates.map((t) => ({ t, r: coversRegion(t, region.region) }));
    const evidence = { trails: candidates.map(trailEvidence) };
    const hit = results.find((x) => x.r === 'yes');
    if (hit) {
      return [
        verdict('PASS', subject, `${region.accountId} ${region.region} is covered by trail ${hit.t.name}.`, {
          ...evidence,
          coveredBy: hit.t.arn,
        }),
      ];
    }
    const gaps = [
      ...trailGaps(account, ctx, region.region),
      ...results
        .filter((x) => x.r === 'unknown')
        .map((x) => `trail ${x.t.name}: status or event selectors could not be read`),
    ];
    if (gaps.length > 0) {
      return [
        verdict(
          'ERROR',
          subject,
          `Coverage of ${region.accountId} ${region.region} could not be verified: ${gaps[0]}.`,
          { ...evidence, gaps },
        ),
      ];
    }
    const why =
      candidates.length === 0
        ? 'no trail covers it'
        : 'no covering trail is logging and recording management events';
    return [
      verdict(
        'FAIL',
        subject,
        `No logging trail records management events in ${region.accountId} ${region.region}: ${why}.`,
        evidence,
      ),
    ];
  },
};
