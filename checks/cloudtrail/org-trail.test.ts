import { describe, expect, it } from 'vitest';
import {
  advanced,
  classic,
  context,
  denied,
  managementSelector,
  ok,
  orgFindings,
  orgTrailFacts,
  single,
  stopped,
} from '../testing/builders.js';

const ID = 'cloudtrail.org_trail';

function verdictFor(...trails: ReturnType<typeof orgTrailFacts>[]) {
  return single(orgFindings(ID, context({ organization: { orgTrails: ok(trails) } })));
}

describe(ID, () => {
  it('PASS with a multi-region, logging organization trail recording all management events', () => {
    expect(verdictFor(orgTrailFacts())).toMatchObject({
      status: 'PASS',
      accountId: null,
      region: null,
      resourceArn: null,
      compliance: ['CIS-3.0:3.1'],
    });
  });

  it('PASS with advanced readOnly=true + readOnly=false selectors', () => {
    expect(
      verdictFor(orgTrailFacts({ selectors: advanced(managementSelector(true), managementSelector(false)) }))
        .status,
    ).toBe('PASS');
  });

  it('FAIL when there is no organization trail', () => {
    const f = verdictFor();
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain('o-test1234 has no organization trail');
  });

  it('FAIL when the organization trail is single-region, stopped, or records one half only', () => {
    expect(verdictFor(orgTrailFacts({ isMultiRegion: false })).message).toContain('single-region');
    expect(verdictFor(orgTrailFacts({ status: stopped() })).message).toContain('not logging');
    expect(
      verdictFor(orgTrailFacts({ selectors: classic({ readWriteType: 'WriteOnly' }) })).message,
    ).toContain('write-only management events');
  });

  it('one good trail among bad ones is enough', () => {
    expect(verdictFor(orgTrailFacts({ name: 'old', status: stopped() }), orgTrailFacts()).status).toBe(
      'PASS',
    );
  });

  it('ERROR when organization trails cannot be read', () => {
    const f = single(
      orgFindings(ID, context({ organization: { orgTrails: denied(), orgTrailsSource: { kind: 'none' } } })),
    );
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('AccessDenied');
  });

  it('ERROR when the status of the only candidate cannot be read, FAIL when another fact disproves it', () => {
    expect(verdictFor(orgTrailFacts({ status: denied() })).status).toBe('ERROR');
    expect(verdictFor(orgTrailFacts({ status: denied(), isMultiRegion: false })).status).toBe('FAIL');
  });

  it('records where the organization trails were read from', () => {
    const source = { kind: 'shadow' as const, accountId: '111111111111' };
    const f = single(
      orgFindings(
        ID,
        context({ organization: { orgTrails: ok([orgTrailFacts()]), orgTrailsSource: source } }),
      ),
    );
    expect(f.evidence.source).toEqual(source);
  });
});
