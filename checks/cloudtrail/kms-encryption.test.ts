import { describe, expect, it } from 'vitest';
import { single, trail, trailFinding } from '../testing/builders.js';

const ID = 'cloudtrail.kms_encryption';

describe(ID, () => {
  it('PASS when KmsKeyId is set, with the key as evidence', () => {
    const t = trail();
    expect(single(trailFinding(ID, t))).toMatchObject({ status: 'PASS', evidence: { kmsKeyId: t.kmsKeyId } });
  });

  it('FAIL when KmsKeyId is missing or empty', () => {
    expect(single(trailFinding(ID, trail({ kmsKeyId: undefined }))).status).toBe('FAIL');
    expect(single(trailFinding(ID, trail({ kmsKeyId: '' }))).status).toBe('FAIL');
  });
});
