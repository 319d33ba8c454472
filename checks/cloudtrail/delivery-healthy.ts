import { type Check, verdict } from '../define.js';
import { errorOf, hoursSince, valueIn } from '../semantics.js';
import { linkedEvents, SETTINGS_EVENTS, trailSubject } from './trail-subject.js';

/** cloudtrail.delivery_healthy: logging trails deliver to S3 without errors and recently. */
export const deliveryHealthy: Check = {
  kind: 'trail',
  meta: {
    id: 'cloudtrail.delivery_healthy',
    title: 'Trail delivers log files to S3',
    severity: 'medium',
    scope: 'trail',
    remediation:
      "Fix the trail's S3 bucket policy, KMS key policy or bucket existence (see LatestDeliveryError) so CloudTrail can deliver log files again.",
    compliance: [],
  },
  evaluate(input) {
    const { trail: t, ctx } = input;
    const err = errorOf(t.status);
    // Without the status we cannot tell whether the trail is logging, so ERROR rather than nothing.
    if (err)
      return [
        verdict(
          'ERROR',
          trailSubject(t),
          `Delivery status of trail ${t.name} could not be read: ${err.code}.`,
          { error: err },
        ),
      ];
    const s = valueIn(t.status)!;
    // A stopped trail delivers nothing by design: cloudtrail.trail_logging reports it.
    if (!s.isLogging) return [];
    const evidence = {
      s3BucketName: t.s3BucketName ?? null,
      latestDeliveryError: s.latestDeliveryError || null,
      latestDeliveryTime: s.latestDeliveryTime || null,
      staleAfterHours: ctx.staleDeliveryHours,
    };
    if (s.latestDeliveryError) {
      return [
        verdict(
          'FAIL',
          trailSubject(t),
          `Trail ${t.name} cannot deliver log files: ${s.latestDeliveryError}.`,
          { ...evidence, ...linkedEvents(input, SETTINGS_EVENTS) },
        ),
      ];
    }
    const age = s.latestDeliveryTime ? hoursSince(s.latestDeliveryTime, ctx.now) : Number.NaN;
    if (age > ctx.staleDeliveryHours) {
      return [
        verdict(
          'FAIL',
          trailSubject(t),
          `Trail ${t.name} last delivered log files ${Math.floor(age)} hours ago (limit ${ctx.staleDeliveryHours}).`,
          { ...evidence, ...linkedEvents(input, SETTINGS_EVENTS) },
        ),
      ];
    }
    return [verdict('PASS', trailSubject(t), `Trail ${t.name} delivers log files without errors.`, evidence)];
  },
};
