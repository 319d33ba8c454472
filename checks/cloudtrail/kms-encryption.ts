import { type Check, verdict } from '../define.js';
import { linkedEvents, SETTINGS_EVENTS, trailSubject } from './trail-subject.js';

/** cloudtrail.kms_encryption */
export const kmsEncryption: Check = {
  kind: 'trail',
  meta: {
    id: 'cloudtrail.kms_encryption',
    title: 'Trail log files are encrypted with KMS (SSE-KMS)',
    severity: 'medium',
    scope: 'trail',
    remediation:
      'Set a customer managed KMS key on the trail (UpdateTrail --kms-key-id) with a key policy allowing CloudTrail to use it.',
    compliance: ['CIS-3.0:3.5', 'SecurityHub:CloudTrail.2'],
  },
  evaluate(input) {
    const t = input.trail;
    return t.kmsKeyId
      ? [
          verdict('PASS', trailSubject(t), `Trail ${t.name} encrypts log files with KMS.`, {
            kmsKeyId: t.kmsKeyId,
          }),
        ]
      : [
          verdict('FAIL', trailSubject(t), `Trail ${t.name} does not encrypt log files with KMS.`, {
            kmsKeyId: null,
            ...linkedEvents(input, SETTINGS_EVENTS),
          }),
        ];
  },
};
