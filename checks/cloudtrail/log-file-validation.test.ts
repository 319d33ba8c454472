import { describe, expect, it } from 'vitest';
import { single, stopped, trail, trailFinding } from '../testing/builders.js';

const ID = 'cloudtrail.log_file_validation';

describe(ID, () => {
  it('PASS when LogFileValidationEnabled', () => {
    expect(single(trailFinding(ID, trail())).status).toBe('PASS');
  });

  it('FAIL when disabled, for single-region and stopped trails too', () => {
    expect(single(trailFinding(ID, trail({ logFileValidationEnabled: false }))).status).toBe('FAIL');
    expect(
      single(
        trailFinding(ID, trail({ logFileValidationEnabled: false, isMultiRegion: false, status: stopped() })),
      ).status,
    ).toBe('FAIL');
  });
});
