import { describe, expect, it } from 'vitest';
import type { DeliveryChannelFacts, RegionFacts, Result } from '../facts.js';
import {
  ACCOUNT,
  account,
  channel,
  configFacts,
  denied,
  ok,
  regionFinding,
  tamperEvent,
} from '../testing/builders.js';

const ID = 'config.delivery_channel';

function withChannels(
  channels: DeliveryChannelFacts[] | Result<DeliveryChannelFacts[]>,
  extra: Partial<RegionFacts> = {},
) {
  return account({ in: { 'us-east-1': { config: configFacts({ channels }), ...extra } } });
}

describe(ID, () => {
  it('PASS with a channel whose last delivery succeeded', () => {
    expect(regionFinding(ID, withChannels([channel()]), 'us-east-1')).toMatchObject({
      status: 'PASS',
      accountId: ACCOUNT,
      region: 'us-east-1',
      resourceArn: null,
    });
  });

  it('PASS with a channel that reports no delivery yet ("where reported")', () => {
    const c = channel({ lastStatus: undefined, lastAttemptTime: undefined, lastSuccessfulTime: undefined });
    expect(regionFinding(ID, withChannels([c]), 'us-east-1').status).toBe('PASS');
    expect(regionFinding(ID, withChannels([channel({ lastStatus: '' })]), 'us-east-1').status).toBe('PASS');
  });

  it('FAIL without a delivery channel', () => {
    const f = regionFinding(ID, withChannels([]), 'us-east-1');
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('has no AWS Config delivery channel');
  });

  it('FAIL when the last delivery failed (FAILURE in any case), naming the error', () => {
    for (const lastStatus of ['FAILURE', 'Failure']) {
      const f = regionFinding(
        ID,
        withChannels([channel({ lastStatus, lastErrorCode: 'NoSuchBucket' })]),
        'us-east-1',
      );
      expect(f.status, lastStatus).toBe('FAIL');
      expect(f.message).toContain('NoSuchBucket');
    }
  });

  it('ERROR when delivery channels cannot be read', () => {
    expect(regionFinding(ID, withChannels(denied()), 'us-east-1').status).toBe('ERROR');
  });

  it('links DeleteDeliveryChannel events into the FAIL evidence', () => {
    const del = tamperEvent('DeleteDeliveryChannel', { resourceName: 'default' });
    const f = regionFinding(
      ID,
      withChannels([], { tamperEvents: ok([del, tamperEvent('StopLogging')]) }),
      'us-east-1',
    );
    expect(f.evidence.tamperEvents).toEqual([
      expect.objectContaining({ eventId: del.eventId, sourceIp: del.sourceIp }),
    ]);
  });
});
