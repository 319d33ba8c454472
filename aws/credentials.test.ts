import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { CredentialCache } from './credentials.js';

/** A stand-in STS client: counts AssumeRole calls and answers with numbered credentials. */
function fakeSts(opts: { fail?: () => Error | undefined; expiresInMs?: number; now: () => number }) {
  let calls = 0;
  const sts = {
    send: async () => {
      calls++;
      const err = opts.fail?.();
      if (err) throw err;
      return {
        Credentials: {
          AccessKeyId: `ASIA${calls}`,
          SecretAccessKey: `secret-${calls}`,
          SessionToken: `token-${calls}`,
          Expiration: new Date(opts.now() + (opts.expiresInMs ?? 3600_000)),
        },
      };
    },
  };
  return { sts: sts as unknown as STSClient, calls: () => calls };
}

const role = {
  roleArn: 'arn:aws:iam::111111111111:role/TrailWardenAudit',
  sessionName: 's',
  durationSeconds: 3600,
};

describe('CredentialCache', () => {
  it('assumes a role once and reuses it until shortly before expiry', async () => {
    let now = 1_000_000;
    const { sts, calls } = fakeSts({ now: () => now, expiresInMs: 3600_000 });
    const cache = new CredentialCache(sts, { now: () => now, refreshMarginMs: 300_000 });
    const [a, b] = await Promise.all([cache.get(role), cache.get(role)]);
    expect(a.accessKeyId).toBe('ASIA1');
    expect(b).toBe(a);
    now += 3600_000 - 300_001;
    expect((await cache.get(role)).accessKeyId).toBe('ASIA1');
    now += 2;
    expect((await cache.get(role)).accessKeyId).toBe('ASIA2');
    expect(calls()).toBe(2);
  });

  it('does not cache a failure, and keys by external id', async () => {
    let fail = true;
    const now = 0;
    const { sts, calls } = fakeSts({
      now: () => now,
      fail: () => (fail ? Object.assign(new Error('denied'), { name: 'AccessDenied' }) : undefined),
    });
    const cache = new CredentialCache(sts, { now: () => now });
    await expect(cache.get(role)).rejects.toMatchObject({ name: 'AccessDenied' });
    fail = false;
    expect((await cache.get(role)).accessKeyId).toBe('ASIA2');
    expect((await cache.get({ ...role, externalId: 'x' })).accessKeyId).toBe('ASIA3');
    expect(calls()).toBe(3);
  });
});
