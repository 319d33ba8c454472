import { describe, expect, it } from 'vitest';
import { single, trail, trailFinding } from '../testing/builders.js';

const ID = 'cloudtrail.global_service_events';

describe(ID, () => {
  it('PASS for a multi-region trail that includes global service events', () => {
    expect(single(trailFinding(ID, trail())).status).toBe('PASS');
  });

  it('FAIL for a multi-region trail that excludes them', () => {
    const f = single(trailFinding(ID, trail({ includeGlobalServiceEvents: false })));
    expect(f).toMatchObject({ status: 'FAIL', evidence: { includeGlobalServiceEvents: false } });
  });

  it('emits nothing for a single-region trail, whatever its setting', () => {
    expect(trailFinding(ID, trail({ isMultiRegion: false, includeGlobalServiceEvents: false }))).toEqual([]);
    expect(trailFinding(ID, trail({ isMultiRegion: false }))).toEqual([]);
  });
});
