import { describe, expect, it } from 'vitest';
import { TAMPER_EVENT_NAMES } from '../catalog-constants.js';
import type { Result, TamperEventFacts } from '../facts.js';
import {
  ACCOUNT,
  account,
  denied,
  errorFact,
  hoursAgo,
  ok,
  regionFinding,
  tamperEvent,
} from '../testing/builders.js';

const ID = 'cloudtrail.tamper_events';

function withEvents(tamperEvents: Result<TamperEventFacts[]>) {
  return account({ in: { 'us-east-1': { tamperEvents } } });
}

describe(ID, () => {
  it('PASS when event history shows no tampering in the window', () => {
    const f = regionFinding(ID, withEvents(ok([])), 'us-east-1');
    expect(f).toMatchObject({ status: 'PASS', accountId: ACCOUNT, region: 'us-east-1', resourceArn: null });
    expect(f.evidence.window).toEqual({ from: hoursAgo(24 * 7), to: hoursAgo(0) });
  });

  it('FAIL for each of the catalog event names', () => {
    for (const name of TAMPER_EVENT_NAMES) {
      expect(regionFinding(ID, withEvents(ok([tamperEvent(name)])), 'us-east-1').status, name).toBe('FAIL');
    }
  });

  it('ignores calls that are not tampering', () => {
    expect(regionFinding(ID, withEvents(ok([tamperEvent('StartLogging')])), 'us-east-1').status).toBe('PASS');
  });

  it('FAIL lists each event with its time, actor ARN, source IP and user agent', () => {
    const a = tamperEvent('StopLogging', { time: hoursAgo(30), resourceName: 'main' });
    const b = tamperEvent('DeleteDeliveryChannel', {
      time: hoursAgo(2),
      actorArn: 'arn:aws:iam::111111111111:user/eve',
      sourceIp: '198.51.100.9',
      userAgent: 'console.amazonaws.com',
    });
    const f = regionFinding(ID, withEvents(ok([b, a])), 'us-east-1');
    expect(f.status).toBe('FAIL');
    expect(f.evidence.events).toEqual(
      [a, b].map((e) =>
        expect.objectContaining({
          eventName: e.eventName,
          time: e.time,
          actorArn: e.actorArn,
          sourceIp: e.sourceIp,
          userAgent: e.userAgent,
        }),
      ),
    );
    // The message names the most recent call, whatever order event history returned.
    expect(f.message).toContain(
      'latest DeleteDeliveryChannel by arn:aws:iam::111111111111:user/eve from 198.51.100.9',
    );
  });

  it('events without an actor or source IP are still listed, with nulls', () => {
    const e = tamperEvent('DeleteTrail', { actorArn: undefined, sourceIp: undefined, userAgent: undefined });
    const f = regionFinding(ID, withEvents(ok([e])), 'us-east-1');
    expect(f.evidence.events).toEqual([
      expect.objectContaining({ actorArn: null, sourceIp: null, userAgent: null }),
    ]);
  });

  it('ERROR when event history cannot be read', () => {
    const f = regionFinding(ID, withEvents(denied()), 'us-east-1');
    expect(f.status).toBe('ERROR');
    expect(f.evidence.error).toEqual(errorFact());
  });
});
