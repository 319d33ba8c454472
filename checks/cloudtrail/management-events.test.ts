import { describe, expect, it } from 'vitest';
import type { EventSelectorFacts, Result } from '../facts.js';
import {
  ALL_BUCKETS,
  advanced,
  classic,
  denied,
  managementSelector,
  ok,
  s3DataSelector,
  single,
  tamperEvent,
  trail,
  trailFinding,
} from '../testing/builders.js';

const ID = 'cloudtrail.management_events';

function statusOf(selectors: Result<EventSelectorFacts>) {
  return single(trailFinding(ID, trail({ selectors }))).status;
}

describe(ID, () => {
  it('PASS with classic All, advanced without readOnly, or both halves', () => {
    expect(statusOf(classic())).toBe('PASS');
    expect(statusOf(classic({ readWriteType: 'ReadOnly' }, { readWriteType: 'WriteOnly' }))).toBe('PASS');
    expect(statusOf(advanced(managementSelector()))).toBe('PASS');
    expect(statusOf(advanced(managementSelector(true), managementSelector(false)))).toBe('PASS');
  });

  it('FAIL with only one half, saying which', () => {
    const f = single(trailFinding(ID, trail({ selectors: classic({ readWriteType: 'WriteOnly' }) })));
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('write-only management events');
    expect(statusOf(advanced(managementSelector(true)))).toBe('FAIL');
  });

  it('FAIL when management events are excluded or only data events are selected', () => {
    expect(statusOf(classic({ includeManagementEvents: false }))).toBe('FAIL');
    expect(statusOf(advanced(s3DataSelector()))).toBe('FAIL');
  });

  it('evidence shows the management selectors, without data resources or data selectors', () => {
    const fromClassic = single(
      trailFinding(
        ID,
        trail({ selectors: classic({ readWriteType: 'WriteOnly', dataResources: [ALL_BUCKETS] }) }),
      ),
    );
    expect(fromClassic.evidence.selectors).toEqual({
      classic: [
        { readWriteType: 'WriteOnly', includeManagementEvents: true, excludeManagementEventSources: [] },
      ],
      advanced: [],
    });
    const fromAdvanced = single(
      trailFinding(ID, trail({ selectors: advanced(managementSelector(true), s3DataSelector()) })),
    );
    expect(fromAdvanced.evidence.selectors).toEqual({ classic: [], advanced: [managementSelector(true)] });
  });

  it('ERROR when selectors cannot be read', () => {
    expect(statusOf(denied())).toBe('ERROR');
  });

  it('links PutEventSelectors calls on the trail into a FAIL', () => {
    const put = tamperEvent('PutEventSelectors', { resourceName: 'main' });
    const f = single(
      trailFinding(ID, trail({ selectors: classic({ readWriteType: 'ReadOnly' }) }), { events: ok([put]) }),
    );
    expect(f.evidence.tamperEvents).toEqual([
      expect.objectContaining({ eventId: put.eventId, userAgent: put.userAgent }),
    ]);
  });
});
