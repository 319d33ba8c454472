import { type Check, verdict } from '../define.js';
import { errorOf, managementRecording, managementSelectors } from '../semantics.js';
import { linkedEvents, SETTINGS_EVENTS, trailSubject } from './trail-subject.js';

/** cloudtrail.management_events: the trail records read and write management events. */
export const managementEvents: Check = {
  kind: 'trail',
  meta: {
    id: 'cloudtrail.management_events',
    title: 'Trail records all management events',
    severity: 'high',
    scope: 'trail',
    remediation:
      'Set the event selectors to record management events with ReadWriteType All (classic), or an advanced selector on eventCategory = Management without a readOnly condition.',
    compliance: ['SecurityHub:CloudTrail.1'],
  },
  evaluate(input) {
    const t = input.trail;
    const err = errorOf(t.selectors);
    if (err)
      return [
        verdict(
          'ERROR',
          trailSubject(t),
          `Event selectors of trail ${t.name} could not be read: ${err.code}.`,
          { error: err },
        ),
      ];
    const m = managementRecording(t.selectors);
    const evidence = { managementEvents: m.describe, selectors: managementSelectors(t.selectors) };
    if (m.full === 'yes')
      return [verdict('PASS', trailSubject(t), `Trail ${t.name} records all management events.`, evidence)];
    return [
      verdict('FAIL', trailSubject(t), `Trail ${t.name} records ${m.describe}, not all management events.`, {
        ...evidence,
        ...linkedEvents(input, SETTINGS_EVENTS),
      }),
    ];
  },
};
