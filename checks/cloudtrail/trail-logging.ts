import { type Check, verdict } from '../define.js';
import { errorOf, valueIn } from '../semantics.js';
import { linkedEvents, trailSubject } from './trail-subject.js';

/** cloudtrail.trail_logging */
export const trailLogging: Check = {
  kind: 'trail',
  meta: {
    id: 'cloudtrail.trail_logging',
    title: 'Trail is logging',
    severity: 'high',
    scope: 'trail',
    remediation:
      'Start logging on the trail (StartLogging), find out who stopped it, and restrict cloudtrail:StopLogging with an SCP.',
    compliance: ['SecurityHub:CloudTrail.3'],
  },
  evaluate(input) {
    const t = input.trail;
    const err = errorOf(t.status);
    if (err)
      return [
        verdict('ERROR', trailSubject(t), `Status of trail ${t.name} could not be read: ${err.code}.`, {
          error: err,
        }),
      ];
    const s = valueIn(t.status)!;
    if (s.isLogging)
      return [
        verdict('PASS', trailSubject(t), `Trail ${t.name} is logging.`, {
          startLoggingTime: s.startLoggingTime ?? null,
        }),
      ];
    return [
      verdict(
        'FAIL',
        trailSubject(t),
        `Trail ${t.name} in ${t.ownerAccountId} ${t.homeRegion} is not logging.`,
        {
          isLogging: false,
          stopLoggingTime: s.stopLoggingTime ?? null,
          ...linkedEvents(input),
        },
      ),
    ];
  },
};
