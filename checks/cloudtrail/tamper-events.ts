import { TAMPER_EVENT_NAMES } from '../catalog-constants.js';
import { type Check, verdict } from '../define.js';
import { errorOf, eventEvidence, valueIn } from '../semantics.js';

/** cloudtrail.tamper_events: event history shows no call that stops or weakens audit logging. */
export const tamperEvents: Check = {
  kind: 'region',
  meta: {
    id: 'cloudtrail.tamper_events',
    title: 'No audit-logging tampering in event history',
    severity: 'high',
    scope: 'region',
    remediation:
      'Find out who made each call (actor, source IP, user agent below) and why; restore the trail or recorder; restrict these actions with an SCP to a break-glass role.',
    compliance: [],
  },
  evaluate({ region }) {
    const subject = { accountId: region.accountId, region: region.region, resourceArn: null };
    const err = errorOf(region.tamperEvents);
    if (err)
      return [
        verdict(
          'ERROR',
          subject,
          `Event history of ${region.accountId} ${region.region} could not be read: ${err.code}.`,
          { error: err },
        ),
      ];
    // Event history is read one event name at a time: order by time here rather than trust the caller.
    const events = (valueIn(region.tamperEvents) ?? [])
      .filter((e) => TAMPER_EVENT_NAMES.includes(e.eventName))
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.eventId.localeCompare(b.eventId));
    const window = { from: region.lookback.from, to: region.lookback.to };
    if (events.length === 0) {
      return [
        verdict(
          'PASS',
          subject,
          `No audit-logging tampering in ${region.accountId} ${region.region} since ${window.from.slice(0, 10)}.`,
          { window },
        ),
      ];
    }
    const latest = events[events.length - 1]!;
    const names = [...new Set(events.map((e) => e.eventName))].join(', ');
    return [
      verdict(
        'FAIL',
        subject,
        `${events.length} tampering call(s) in ${region.accountId} ${region.region} (${names}); latest ${latest.eventName} by ${latest.actorArn ?? 'unknown'} from ${latest.sourceIp ?? 'unknown'} at ${latest.time}.`,
        { window, events: events.map(eventEvidence) },
      ),
    ];
  },
};
