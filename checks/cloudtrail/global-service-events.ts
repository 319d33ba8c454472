import { type Check, verdict } from '../define.js';
import { linkedEvents, SETTINGS_EVENTS, trailSubject } from './trail-subject.js';

/** cloudtrail.global_service_events (multi-region trails only) */
export const globalServiceEvents: Check = {
  kind: 'trail',
  meta: {
    id: 'cloudtrail.global_service_events',
    title: 'Multi-region trail includes global service events',
    severity: 'medium',
    scope: 'trail',
    remediation:
      'Enable IncludeGlobalServiceEvents on the multi-region trail so IAM, STS and CloudFront calls are recorded.',
    compliance: [],
  },
  evaluate(input) {
    const t = input.trail;
    if (!t.isMultiRegion) return [];
    return t.includeGlobalServiceEvents
      ? [verdict('PASS', trailSubject(t), `Trail ${t.name} includes global service events.`)]
      : [
          verdict('FAIL', trailSubject(t), `Multi-region trail ${t.name} excludes global service events.`, {
            includeGlobalServiceEvents: false,
            ...linkedEvents(input, SETTINGS_EVENTS),
          }),
        ];
  },
};
