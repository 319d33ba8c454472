import { type Check, verdict } from '../define.js';
import { errorOf, hoursSince, valueIn } from '../semantics.js';
import { linkedEvents, SETTINGS_EVENTS, trailSubject } from './trail-subject.js';

/** cloudtrail.cloudwatch_logs */
export const cloudwatchLogs: Check = {
  kind: 'trail',
  meta: {
    id: 'cloudtrail.cloudwatch_logs',
    title: 'Trail delivers to CloudWatch Logs',
    severity: 'low',
    scope: 'trail',
    remediation:
      'Send the trail to a CloudWatch Logs log group (CloudWatchLogsLogGroupArn and a role CloudTrail can assume), and fix any delivery error.',
    compliance: ['SecurityHub:CloudTrail.5'],
  },
  evaluate(input) {
    const { trail: t, ctx } = input;
    if (!t.cloudWatchLogsLogGroupArn) {
      return [
        verdict('FAIL', trailSubject(t), `Trail ${t.name} does not send events to CloudWatch Logs.`, {
          cloudWatchLogsLogGroupArn: null,
          ...linkedEvents(input, SETTINGS_EVENTS),
        }),
      ];
    }
    const err = errorOf(t.status);
    if (err) {
      return [
        verdict(
          'ERROR',
          trailSubject(t),
          `CloudWatch Logs delivery status of trail ${t.name} could not be read: ${err.code}.`,
          { cloudWatchLogsLogGroupArn: t.cloudWatchLogsLogGroupArn, error: err },
        ),
      ];
    }
    const s = valueIn(t.status)!;
    const evidence = {
      cloudWatchLogsLogGroupArn: t.cloudWatchLogsLogGroupArn,
      isLogging: s.isLogging,
      latestCloudWatchLogsDeliveryError: s.latestCloudWatchLogsDeliveryError || null,
      latestCloudWatchLogsDeliveryTime: s.latestCloudWatchLogsDeliveryTime || null,
      staleAfterHours: ctx.staleDeliveryHours,
    };
    if (s.latestCloudWatchLogsDeliveryError) {
      return [
        verdict(
          'FAIL',
          trailSubject(t),
          `Trail ${t.name} cannot deliver to CloudWatch Logs: ${s.latestCloudWatchLogsDeliveryError}.`,
          { ...evidence, ...linkedEvents(input, SETTINGS_EVENTS) },
        ),
      ];
    }
    // Unlike delivery_healthy, the catalog does not limit this check to logging trails: a stopped trail's
    // log group goes stale too, and AWS Config's CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED judges it the same way.
    const age = s.latestCloudWatchLogsDeliveryTime
      ? hoursSince(s.latestCloudWatchLogsDeliveryTime, ctx.now)
      : Number.NaN;
    if (age > ctx.staleDeliveryHours) {
      return [
        verdict(
          'FAIL',
          trailSubject(t),
          `Trail ${t.name} last delivered to CloudWatch Logs ${Math.floor(age)} hours ago (limit ${ctx.staleDeliveryHours}).`,
          { ...evidence, ...linkedEvents(input) },
        ),
      ];
    }
    return [verdict('PASS', trailSubject(t), `Trail ${t.name} delivers to CloudWatch Logs.`, evidence)];
  },
};
