import { describe, expect, it } from 'vitest';
import type { RecorderFacts, Result } from '../facts.js';
import {
  ACCOUNT,
  account,
  accountFinding,
  configFacts,
  denied,
  errorFact,
  recorder,
} from '../testing/builders.js';

const ID = 'config.global_resources';
const REGIONS = ['eu-west-1', 'us-east-1'];

function withRecorders(byRegion: Record<string, RecorderFacts[] | Result<RecorderFacts[]>>) {
  return account({
    regions: REGIONS,
    in: Object.fromEntries(
      Object.entries(byRegion).map(([r, recorders]) => [r, { config: configFacts({ recorders }) }]),
    ),
  });
}

describe(ID, () => {
  it('PASS when a recording recorder in one region includes global resource types', () => {
    const facts = withRecorders({
      'eu-west-1': [recorder()],
      'us-east-1': [recorder({ includeGlobalResourceTypes: true })],
    });
    const f = accountFinding(ID, facts);
    expect(f).toMatchObject({ status: 'PASS', accountId: ACCOUNT, region: null, resourceArn: null });
    expect(f.message).toContain('us-east-1');
  });

  it('PASS when a recorder lists IAM resource types explicitly', () => {
    const facts = withRecorders({
      'us-east-1': [recorder({ allSupported: false, resourceTypes: ['AWS::IAM::Role', 'AWS::IAM::User'] })],
      'eu-west-1': [],
    });
    expect(accountFinding(ID, facts).status).toBe('PASS');
  });

  it('FAIL when no recorder records global resource types', () => {
    expect(
      accountFinding(ID, withRecorders({ 'eu-west-1': [recorder()], 'us-east-1': [recorder()] })).status,
    ).toBe('FAIL');
  });

  it('FAIL when the recorder that includes them is stopped', () => {
    const facts = withRecorders({
      'us-east-1': [recorder({ includeGlobalResourceTypes: true, recording: false })],
      'eu-west-1': [],
    });
    expect(accountFinding(ID, facts).status).toBe('FAIL');
  });

  it('ERROR when recorders of some region cannot be read and no other region proves it', () => {
    const facts = withRecorders({ 'us-east-1': denied(), 'eu-west-1': [recorder()] });
    const f = accountFinding(ID, facts);
    expect(f.status).toBe('ERROR');
    expect(f.evidence.gaps).toEqual(['us-east-1: AccessDenied']);
  });

  it('PASS despite an unreadable region when another region proves it', () => {
    const facts = withRecorders({
      'us-east-1': [recorder({ includeGlobalResourceTypes: true })],
      'eu-west-1': denied(),
    });
    expect(accountFinding(ID, facts).status).toBe('PASS');
  });

  it('ERROR when a region failed entirely', () => {
    const facts = account({
      regions: REGIONS,
      failedRegions: [{ region: 'us-east-1', error: errorFact() }],
    });
    expect(accountFinding(ID, facts).status).toBe('ERROR');
  });
});
