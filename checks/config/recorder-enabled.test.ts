import { describe, expect, it } from 'vitest';
import type { RecorderFacts, RegionFacts, Result } from '../facts.js';
import {
  ACCOUNT,
  account,
  configFacts,
  denied,
  errorFact,
  ok,
  recorder,
  regionFinding,
  tamperEvent,
} from '../testing/builders.js';

const ID = 'config.recorder_enabled';

function withRecorders(
  recorders: RecorderFacts[] | Result<RecorderFacts[]>,
  extra: Partial<RegionFacts> = {},
) {
  return account({ in: { 'us-east-1': { config: configFacts({ recorders }), ...extra } } });
}

describe(ID, () => {
  it('PASS with a recording recorder whose last status is SUCCESS', () => {
    const f = regionFinding(ID, withRecorders([recorder()]), 'us-east-1');
    expect(f).toMatchObject({ status: 'PASS', accountId: ACCOUNT, region: 'us-east-1', resourceArn: null });
  });

  it('PASS while the last status is PENDING or not reported', () => {
    expect(regionFinding(ID, withRecorders([recorder({ lastStatus: 'PENDING' })]), 'us-east-1').status).toBe(
      'PASS',
    );
    expect(regionFinding(ID, withRecorders([recorder({ lastStatus: undefined })]), 'us-east-1').status).toBe(
      'PASS',
    );
  });

  it('FAIL without a recorder', () => {
    const f = regionFinding(ID, withRecorders([]), 'us-east-1');
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('has no AWS Config recorder');
  });

  it('FAIL when the recorder is stopped', () => {
    const f = regionFinding(ID, withRecorders([recorder({ recording: false })]), 'us-east-1');
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('is not recording');
  });

  it('FAIL when the last status is FAILURE (in any case), naming the error code', () => {
    for (const lastStatus of ['FAILURE', 'Failure']) {
      const f = regionFinding(
        ID,
        withRecorders([recorder({ lastStatus, lastErrorCode: 'AccessDeniedException' })]),
        'us-east-1',
      );
      expect(f.status, lastStatus).toBe('FAIL');
      expect(f.message).toContain('AccessDeniedException');
    }
  });

  it('FAIL when Config reports no recording status for the recorder', () => {
    const f = regionFinding(
      ID,
      withRecorders([recorder({ recording: undefined, lastStatus: undefined })]),
      'us-east-1',
    );
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('reports no recording status');
  });

  it('ERROR when recorders cannot be read', () => {
    const f = regionFinding(ID, withRecorders(denied()), 'us-east-1');
    expect(f.status).toBe('ERROR');
    expect(f.evidence.error).toEqual(errorFact());
  });

  it('links StopConfigurationRecorder and DeleteConfigurationRecorder events into the FAIL evidence', () => {
    const stop = tamperEvent('StopConfigurationRecorder', { resourceName: 'default' });
    const unrelated = tamperEvent('StopLogging');
    const facts = withRecorders([recorder({ recording: false })], { tamperEvents: ok([stop, unrelated]) });
    const f = regionFinding(ID, facts, 'us-east-1');
    expect(f.status).toBe('FAIL');
    expect(f.evidence.tamperEvents).toEqual([
      expect.objectContaining({
        eventName: 'StopConfigurationRecorder',
        actorArn: stop.actorArn,
        time: stop.time,
      }),
    ]);
  });

  it('no tamper evidence on a PASS', () => {
    const facts = withRecorders([recorder()], {
      tamperEvents: ok([tamperEvent('StopConfigurationRecorder')]),
    });
    expect(regionFinding(ID, facts, 'us-east-1').evidence.tamperEvents).toBeUndefined();
  });
});
