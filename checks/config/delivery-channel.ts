import { type Check, verdict } from '../define.js';
import { errorOf, eventEvidence, eventsNamed, valueIn } from '../semantics.js';

/** config.delivery_channel */
export const deliveryChannel: Check = {
  kind: 'region',
  meta: {
    id: 'config.delivery_channel',
    title: 'AWS Config delivery channel exists and delivers',
    severity: 'medium',
    scope: 'region',
    remediation:
      'Create an AWS Config delivery channel to an S3 bucket the recorder can write to, and fix the error of the last failed delivery (bucket policy, KMS key, bucket existence).',
    compliance: ['SecurityHub:Config.1'],
  },
  evaluate({ region }) {
    const subject = { accountId: region.accountId, region: region.region, resourceArn: null };
    const err = errorOf(region.config.deliveryChannels);
    if (err) {
      return [
        verdict(
          'ERROR',
          subject,
          `Config delivery channels of ${region.accountId} ${region.region} could not be read: ${err.code}.`,
          { error: err },
        ),
      ];
    }
    const channels = valueIn(region.config.deliveryChannels) ?? [];
    const evidence: Record<string, unknown> = {
      deliveryChannels: channels.map((c) => ({
        name: c.name,
        s3BucketName: c.s3BucketName ?? null,
        lastStatus: c.lastStatus ?? null,
        lastErrorCode: c.lastErrorCode ?? null,
        lastAttemptTime: c.lastAttemptTime ?? null,
      })),
    };
    // "Where reported": a channel that reports no delivery yet has not failed.
    // Compared case-blind: the API documents FAILURE, but a status the collector did not normalise must not pass.
    const ok = channels.find((c) => c.lastStatus?.toUpperCase() !== 'FAILURE');
    if (ok)
      return [
        verdict(
          'PASS',
          subject,
          `Config delivery channel ${ok.name} delivers in ${region.accountId} ${region.region}.`,
          evidence,
        ),
      ];
    const events = eventsNamed(valueIn(region.tamperEvents) ?? [], ['DeleteDeliveryChannel']);
    if (events.length > 0) evidence.tamperEvents = events.map(eventEvidence);
    if (channels.length === 0)
      return [
        verdict(
          'FAIL',
          subject,
          `${region.accountId} ${region.region} has no AWS Config delivery channel.`,
          evidence,
        ),
      ];
    const c = channels[0]!;
    return [
      verdict(
        'FAIL',
        subject,
        `The last delivery of Config channel ${c.name} in ${region.accountId} ${region.region} failed (${c.lastErrorCode ?? 'no error code'}).`,
        evidence,
      ),
    ];
  },
};
