import { type Check, verdict } from '../define.js';
import { linkedEvents, SETTINGS_EVENTS, trailSubject } from './trail-subject.js';

/** cloudtrail.sns_notifications */
export const snsNotifications: Check = {
  kind: 'trail',
  meta: {
    id: 'cloudtrail.sns_notifications',
    title: 'Trail notifies an SNS topic of log deliveries',
    severity: 'info',
    scope: 'trail',
    remediation: 'Set an SNS topic on the trail (SnsTopicName) if you process log files as they arrive.',
    compliance: [],
  },
  evaluate(input) {
    const t = input.trail;
    return t.snsTopicArn
      ? [
          verdict('PASS', trailSubject(t), `Trail ${t.name} notifies ${t.snsTopicArn}.`, {
            snsTopicArn: t.snsTopicArn,
          }),
        ]
      : [
          verdict('FAIL', trailSubject(t), `Trail ${t.name} has no SNS notifications.`, {
            snsTopicArn: null,
            ...linkedEvents(input, SETTINGS_EVENTS),
          }),
        ];
  },
};
