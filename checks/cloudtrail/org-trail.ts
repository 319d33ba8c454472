import { type Check, verdict } from '../define.js';
import { and, errorOf, isLogging, managementRecording, trailEvidence, valueIn } from '../semantics.js';

const ORG = { accountId: null, region: null, resourceArn: null };

/** cloudtrail.org_trail: an organization trail exists, is multi-region, logging and records all management events. */
export const orgTrail: Check = {
  kind: 'org',
  meta: {
    id: 'cloudtrail.org_trail',
    title: 'Organization trail records all management events in every region',
    severity: 'medium',
    scope: 'org',
    remediation:
      'Create (or fix) a multi-region organization trail in the management account or a delegated administrator, logging all management events, and make sure logging is on.',
    compliance: ['CIS-3.0:3.1'],
  },
  evaluate({ org }) {
    const err = errorOf(org.orgTrails);
    if (err) {
      return [
        verdict('ERROR', ORG, `Organization trails could not be read: ${err.code}.`, {
          error: err,
          source: org.orgTrailsSource,
        }),
      ];
    }
    const trails = valueIn(org.orgTrails) ?? [];
    const evidence = { source: org.orgTrailsSource, trails: trails.map(trailEvidence) };
    if (trails.length === 0)
      return [
        verdict('FAIL', ORG, `Organization ${org.organizationId} has no organization trail.`, evidence),
      ];
    const states = trails.map((t) => ({
      t,
      ok: and(t.isMultiRegion ? 'yes' : 'no', isLogging(t), managementRecording(t.selectors).full),
    }));
    const good = states.find((s) => s.ok === 'yes');
    if (good) {
      return [
        verdict(
          'PASS',
          ORG,
          `Organization trail ${good.t.name} is multi-region, logging and records all management events.`,
          evidence,
        ),
      ];
    }
    if (states.some((s) => s.ok === 'unknown')) {
      return [
        verdict(
          'ERROR',
          ORG,
          'The status or event selectors of an organization trail could not be read.',
          evidence,
        ),
      ];
    }
    const reasons = trails.map((t) => {
      const why = [
        t.isMultiRegion ? '' : 'single-region',
        isLogging(t) === 'no' ? 'not logging' : '',
        managementRecording(t.selectors).full === 'no' ? managementRecording(t.selectors).describe : '',
      ].filter(Boolean);
      return `${t.name} (${why.join(', ')})`;
    });
    return [
      verdict(
        'FAIL',
        ORG,
        `No organization trail is multi-region, logging and complete: ${reasons.join('; ')}.`,
        evidence,
      ),
    ];
  },
};
