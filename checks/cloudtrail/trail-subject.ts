import type { TrailCheckInput } from '../define.js';
import type { TrailFacts } from '../facts.js';
import { eventEvidence, eventsForTrail, valueIn } from '../semantics.js';

/** Trail findings: owner account, home region, trail ARN. */
export function trailSubject(t: TrailFacts) {
  return { accountId: t.ownerAccountId, region: t.homeRegion, resourceArn: t.arn };
}

/** Calls that change a trail's settings: what explains a trail FAIL other than a stopped trail. */
export const SETTINGS_EVENTS: readonly string[] = ['UpdateTrail', 'PutEventSelectors'];

/**
 * Tamper events of the trail's home region that name this trail (by name or ARN), for the evidence of the
 * FAIL they explain; `names` narrows them to the calls that can cause that FAIL.
 */
export function linkedEvents(input: TrailCheckInput, names?: readonly string[]): Record<string, unknown> {
  const events = input.events ? (valueIn(input.events) ?? []) : [];
  const linked = eventsForTrail(events, input.trail, names);
  return linked.length > 0 ? { tamperEvents: linked.map(eventEvidence) } : {};
}
