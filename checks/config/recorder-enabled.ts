import { type Check, verdict } from '../define.js';
import { errorOf, eventEvidence, eventsNamed, valueIn } from '../semantics.js';

/** config.recorder_enabled */
export const recorderEnabled: Check = {
  kind: 'region',
  meta: {
    id: 'config.recorder_enabled',
    title: 'AWS Config recorder exists and is recording',
    severity: 'medium',
    scope: 'region',
    remediation:
      'Create an AWS Config configuration recorder in this region (all supported resource types), give it a delivery channel, start it, and fix the cause of any FAILURE status.',
    compliance: ['CIS-3.0:3.3', 'SecurityHub:Config.1'],
  },
  evaluate({ region }) {
    const subject = { accountId: region.accountId, region: region.region, resourceArn: null };
    const err = errorOf(region.config.recorders);
    if (err)
      return [
        verdict(
          'ERROR',
          subject,
          `Config recorders of ${region.accountId} ${region.region} could not be read: ${err.code}.`,
          { error: err },
        ),
      ];
    const recorders = valueIn(region.config.recorders) ?? [];
    const evidence: Record<string, unknown> = {
      recorders: recorders.map((r) => ({
        name: r.name,
        recording: r.recording ?? null,
        lastStatus: r.lastStatus ?? null,
        lastErrorCode: r.lastErrorCode ?? null,
        lastStatusChangeTime: r.lastStatusChangeTime ?? null,
      })),
    };
    // Compared case-blind: the API documents FAILURE, but a status the collector did not normalise must not pass.
    const ok = recorders.find((r) => r.recording === true && r.lastStatus?.toUpperCase() !== 'FAILURE');
    if (ok)
      return [
        verdict(
          'PASS',
          subject,
          `Config recorder ${ok.name} is recording in ${region.accountId} ${region.region}.`,
          evidence,
        ),
      ];
    const events = eventsNamed(valueIn(region.tamperEvents) ?? [], [
      'StopConfigurationRecorder',
      'DeleteConfigurationRecorder',
    ]);
    if (events.length > 0) evidence.tamperEvents = events.map(eventEvidence);
    if (recorders.length === 0) {
      return [
        verdict(
          'FAIL',
          subject,
          `${region.accountId} ${region.region} has no AWS Config recorder.`,
          evidence,
        ),
      ];
    }
    const r = recorders[0]!;
    // No status for a recorder is not proof that it records: FAIL, but say what Config reported.
    const why =
      r.recording === undefined
        ? 'reports no recording status'
        : r.recording === false
          ? 'is not recording'
          : `last status is FAILURE (${r.lastErrorCode ?? 'no error code'})`;
    return [
      verdict(
        'FAIL',
        subject,
        `Config recorder ${r.name} in ${region.accountId} ${region.region} ${why}.`,
        evidence,
      ),
    ];
  },
};
