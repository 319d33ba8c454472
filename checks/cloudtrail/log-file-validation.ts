import { type Check, verdict } from '../define.js';
import { linkedEvents, SETTINGS_EVENTS, trailSubject } from './trail-subject.js';

/** cloudtrail.log_file_validation */
export const logFileValidation: Check = {
  kind: 'trail',
  meta: {
    id: 'cloudtrail.log_file_validation',
    title: 'Trail log file validation is enabled',
    severity: 'medium',
    scope: 'trail',
    remediation:
      'Enable log file integrity validation on the trail (UpdateTrail --enable-log-file-validation).',
    compliance: ['CIS-3.0:3.2', 'SecurityHub:CloudTrail.4'],
  },
  evaluate(input) {
    const t = input.trail;
    return t.logFileValidationEnabled
      ? [verdict('PASS', trailSubject(t), `Trail ${t.name} validates its log files.`)]
      : [
          verdict('FAIL', trailSubject(t), `Trail ${t.name} does not validate its log files.`, {
            logFileValidationEnabled: false,
            ...linkedEvents(input, SETTINGS_EVENTS),
          }),
        ];
  },
};
