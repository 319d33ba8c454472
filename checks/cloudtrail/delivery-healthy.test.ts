import { describe, expect, it } from 'vitest';
import {
  context,
  denied,
  hoursAgo,
  single,
  status,
  stopped,
  trail,
  trailFinding,
} from '../testing/builders.js';

const ID = 'cloudtrail.delivery_healthy';

describe(ID, () => {
  it('PASS for a logging trail that delivered recently without error', () => {
    const f = single(trailFinding(ID, trail({ status: status({ latestDeliveryTime: hoursAgo(1) }) })));
    expect(f.status).toBe('PASS');
    expect(f.evidence).toMatchObject({ latestDeliveryError: null, latestDeliveryTime: hoursAgo(1) });
  });

  it('FAIL with a delivery error, naming it', () => {
    const f = single(trailFinding(ID, trail({ status: status({ latestDeliveryError: 'AccessDenied' }) })));
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('AccessDenied');
  });

  it('FAIL when the latest delivery is older than staleDeliveryHours', () => {
    const t = trail({ status: status({ latestDeliveryTime: hoursAgo(30) }) });
    const f = single(trailFinding(ID, t));
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('30 hours ago (limit 24)');
    expect(single(trailFinding(ID, t, { ctx: context({ staleDeliveryHours: 48 }) })).status).toBe('PASS');
  });

  it('a missing or empty delivery time or error means "not reported", never FAIL', () => {
    for (const s of [
      status({ latestDeliveryTime: undefined }),
      status({ latestDeliveryTime: '' }),
      status({ latestDeliveryError: '' }),
    ]) {
      expect(single(trailFinding(ID, trail({ status: s }))).status).toBe('PASS');
    }
  });

  it('emits nothing for a trail that is not logging (trail_logging reports it)', () => {
    expect(trailFinding(ID, trail({ status: stopped({ latestDeliveryError: 'NoSuchBucket' }) }))).toEqual([]);
  });

  it('ERROR when the status cannot be read', () => {
    expect(single(trailFinding(ID, trail({ status: denied() }))).status).toBe('ERROR');
  });
});
