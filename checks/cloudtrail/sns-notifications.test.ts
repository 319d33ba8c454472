import { describe, expect, it } from 'vitest';
import { single, trail, trailFinding } from '../testing/builders.js';

const ID = 'cloudtrail.sns_notifications';

describe(ID, () => {
  it('PASS when SnsTopicARN is set', () => {
    const t = trail();
    expect(single(trailFinding(ID, t))).toMatchObject({
      status: 'PASS',
      severity: 'info',
      evidence: { snsTopicArn: t.snsTopicArn },
    });
  });

  it('FAIL without a topic', () => {
    expect(single(trailFinding(ID, trail({ snsTopicArn: undefined }))).status).toBe('FAIL');
  });
});
