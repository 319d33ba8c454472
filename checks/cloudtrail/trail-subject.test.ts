import { describe, expect, it } from 'vitest';
import type { TrailFacts } from '../facts.js';
import {
  account,
  accountFindings,
  classic,
  context,
  HOME,
  ok,
  orgFindings,
  orgTrailFacts,
  single,
  status,
  stopped,
  tamperEvent,
  trail,
  trailFinding,
} from '../testing/builders.js';

/** Each trail check with a trail that fails it. */
const FAILING: [string, Partial<TrailFacts>][] = [
  ['cloudtrail.management_events', { selectors: classic({ readWriteType: 'WriteOnly' }) }],
  ['cloudtrail.log_file_validation', { logFileValidationEnabled: false }],
  ['cloudtrail.kms_encryption', { kmsKeyId: undefined }],
  ['cloudtrail.cloudwatch_logs', { cloudWatchLogsLogGroupArn: undefined }],
  ['cloudtrail.global_service_events', { includeGlobalServiceEvents: false }],
  ['cloudtrail.sns_notifications', { snsTopicArn: undefined }],
  ['cloudtrail.delivery_healthy', { status: status({ latestDeliveryError: 'NoSuchBucket' }) }],
];

describe('tamper events linked into trail FAILs', () => {
  it.each(FAILING)(
    '%s FAIL carries the UpdateTrail/PutEventSelectors calls naming the trail',
    (id, broken) => {
      const t = trail(broken);
      const update = tamperEvent('UpdateTrail', { resourceName: t.name });
      const put = tamperEvent('PutEventSelectors', { resourceName: t.arn });
      const elsewhere = tamperEvent('UpdateTrail', { resourceName: 'another-trail' });
      const f = single(trailFinding(id, t, { events: ok([update, put, elsewhere]) }));
      expect(f.status).toBe('FAIL');
      expect(f.evidence.tamperEvents).toEqual([
        expect.objectContaining({
          eventId: update.eventId,
          actorArn: update.actorArn,
          sourceIp: update.sourceIp,
        }),
        expect.objectContaining({ eventId: put.eventId, userAgent: put.userAgent }),
      ]);
    },
  );

  it.each(FAILING)('%s: a StopLogging call explains none of these FAILs', (id, broken) => {
    const t = trail(broken);
    const stop = tamperEvent('StopLogging', { resourceName: t.name });
    expect(single(trailFinding(id, t, { events: ok([stop]) })).evidence.tamperEvents).toBeUndefined();
  });

  it('a PASS carries no tamper events', () => {
    const t = trail();
    const update = tamperEvent('UpdateTrail', { resourceName: t.name });
    const f = single(trailFinding('cloudtrail.kms_encryption', t, { events: ok([update]) }));
    expect(f.status).toBe('PASS');
    expect(f.evidence.tamperEvents).toBeUndefined();
  });

  it('a stale CloudWatch Logs delivery of a stopped trail links the StopLogging call', () => {
    const t = trail({ status: stopped({ latestCloudWatchLogsDeliveryTime: '2026-05-01T00:00:00.000Z' }) });
    const stop = tamperEvent('StopLogging', { resourceName: t.name });
    const f = single(trailFinding('cloudtrail.cloudwatch_logs', t, { events: ok([stop]) }));
    expect(f.evidence.tamperEvents).toEqual([expect.objectContaining({ eventId: stop.eventId })]);
  });

  it('organization trail FAILs take their events from the management account’s history', () => {
    const t = orgTrailFacts({ kmsKeyId: undefined });
    const update = tamperEvent('UpdateTrail', { resourceName: t.arn });
    const ctx = context({ organization: { orgTrails: ok([t]), orgTrailEvents: ok([update]) } });
    const f = single(orgFindings('cloudtrail.kms_encryption', ctx));
    expect(f).toMatchObject({ status: 'FAIL', resourceArn: t.arn });
    expect(f.evidence.tamperEvents).toEqual([expect.objectContaining({ eventId: update.eventId })]);
  });

  it('an own trail’s events come from its home region only', () => {
    const t = trail({ kmsKeyId: undefined, homeRegion: 'eu-west-1' });
    const update = tamperEvent('UpdateTrail', { resourceName: t.name });
    const kms = (eventsIn: string) =>
      single(
        accountFindings(
          'cloudtrail.kms_encryption',
          account({
            regions: ['eu-west-1', HOME],
            trails: [t],
            in: { [eventsIn]: { tamperEvents: ok([update]) } },
          }),
        ),
      );
    expect(kms(HOME).evidence.tamperEvents).toBeUndefined();
    expect(kms('eu-west-1').evidence.tamperEvents).toEqual([
      expect.objectContaining({ eventId: update.eventId }),
    ]);
  });
});
