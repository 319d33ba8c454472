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

const ID = 'cloudtrail.cloudwatch_logs';

describe(ID, () => {
  it('PASS with a log group and a recent delivery', () => {
    const t = trail();
    const f = single(trailFinding(ID, t));
    expect(f.status).toBe('PASS');
    expect(f.evidence.cloudWatchLogsLogGroupArn).toBe(t.cloudWatchLogsLogGroupArn);
  });

  it('FAIL without a log group, even when the status cannot be read', () => {
    expect(single(trailFinding(ID, trail({ cloudWatchLogsLogGroupArn: undefined }))).status).toBe('FAIL');
    expect(
      single(trailFinding(ID, trail({ cloudWatchLogsLogGroupArn: undefined, status: denied() }))).status,
    ).toBe('FAIL');
  });

  it('FAIL with a CloudWatch Logs delivery error', () => {
    const f = single(
      trailFinding(
        ID,
        trail({ status: status({ latestCloudWatchLogsDeliveryError: 'AccessDeniedException' }) }),
      ),
    );
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('AccessDeniedException');
  });

  it('FAIL when the latest CloudWatch Logs delivery is stale', () => {
    const t = trail({ status: status({ latestCloudWatchLogsDeliveryTime: hoursAgo(25) }) });
    const f = single(trailFinding(ID, t));
    expect(f.status).toBe('FAIL');
    expect(f.evidence.staleAfterHours).toBe(24);
    expect(single(trailFinding(ID, t, { ctx: context({ staleDeliveryHours: 26 }) })).status).toBe('PASS');
  });

  it('a stopped trail is judged like any other: its stale log group FAILs, a fresh one passes', () => {
    const stale = single(
      trailFinding(ID, trail({ status: stopped({ latestCloudWatchLogsDeliveryTime: hoursAgo(100) }) })),
    );
    expect(stale.status).toBe('FAIL');
    expect(stale.message).toContain('100 hours ago');
    expect(stale.evidence).toMatchObject({
      isLogging: false,
      latestCloudWatchLogsDeliveryTime: hoursAgo(100),
    });
    const fresh = trail({ status: stopped({ latestCloudWatchLogsDeliveryTime: hoursAgo(2) }) });
    expect(single(trailFinding(ID, fresh)).status).toBe('PASS');
  });

  it('missing or empty delivery fields mean "not reported"', () => {
    for (const s of [
      status({ latestCloudWatchLogsDeliveryTime: undefined }),
      status({ latestCloudWatchLogsDeliveryTime: '' }),
      status({ latestCloudWatchLogsDeliveryError: '' }),
    ]) {
      expect(single(trailFinding(ID, trail({ status: s }))).status).toBe('PASS');
    }
  });

  it('ERROR when the status of a trail with a log group cannot be read', () => {
    expect(single(trailFinding(ID, trail({ status: denied() }))).status).toBe('ERROR');
  });
});
