import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  context,
  denied,
  hoursAgo,
  MANAGEMENT,
  ok,
  orgFindings,
  orgTrailFacts,
  single,
  stopped,
  tamperEvent,
  trail,
  trailFinding,
} from '../testing/builders.js';

const ID = 'cloudtrail.trail_logging';

describe(ID, () => {
  it('PASS when IsLogging, with the trail as subject (owner, home region, ARN)', () => {
    const t = trail({ homeRegion: 'eu-west-1' });
    expect(single(trailFinding(ID, t))).toMatchObject({
      status: 'PASS',
      accountId: ACCOUNT,
      region: 'eu-west-1',
      resourceArn: t.arn,
    });
  });

  it('FAIL when not logging, with the stop time', () => {
    const f = single(trailFinding(ID, trail({ status: stopped({ stopLoggingTime: hoursAgo(3) }) })));
    expect(f.status).toBe('FAIL');
    expect(f.evidence).toMatchObject({ isLogging: false, stopLoggingTime: hoursAgo(3) });
  });

  it('a stopped trail links the StopLogging call that names it (by name or ARN) into its evidence', () => {
    const t = trail();
    const byName = tamperEvent('StopLogging', { resourceName: 'main' });
    const byArn = tamperEvent('UpdateTrail', { resourceName: t.arn });
    const other = tamperEvent('StopLogging', { resourceName: 'another-trail' });
    const recorder = tamperEvent('StopConfigurationRecorder', { resourceName: 'main' });
    const f = single(
      trailFinding(ID, { ...t, status: stopped() }, { events: ok([byName, byArn, other, recorder]) }),
    );
    expect(f.evidence.tamperEvents).toEqual([
      expect.objectContaining({
        eventId: byName.eventId,
        actorArn: byName.actorArn,
        sourceIp: byName.sourceIp,
      }),
      expect.objectContaining({ eventId: byArn.eventId }),
    ]);
  });

  it('no linked events when event history could not be read', () => {
    const f = single(trailFinding(ID, trail({ status: stopped() }), { events: denied() }));
    expect(f.status).toBe('FAIL');
    expect(f.evidence.tamperEvents).toBeUndefined();
  });

  it('ERROR when the status cannot be read', () => {
    expect(single(trailFinding(ID, trail({ status: denied() }))).status).toBe('ERROR');
  });

  it('an organization trail is evaluated once, from the organization, with its tamper events', () => {
    const t = orgTrailFacts({ status: stopped() });
    const stop = tamperEvent('StopLogging', { resourceName: t.arn });
    const ctx = context({ organization: { orgTrails: ok([t]), orgTrailEvents: ok([stop]) } });
    const f = single(orgFindings(ID, ctx));
    expect(f).toMatchObject({
      status: 'FAIL',
      accountId: MANAGEMENT,
      region: t.homeRegion,
      resourceArn: t.arn,
    });
    expect(f.evidence.tamperEvents).toEqual([expect.objectContaining({ eventId: stop.eventId })]);
  });
});
