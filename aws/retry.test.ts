import { describe, expect, it } from 'vitest';
import { BackoffRetryStrategy } from './retry.js';

describe('BackoffRetryStrategy', () => {
  const strategy = (max = 4) =>
    new BackoffRetryStrategy(max, {
      random: () => 0.999,
      baseMs: 100,
      throttlingBaseMs: 500,
      maxDelayMs: 2000,
    });

  it('retries throttling with a longer base than transient errors, doubling up to the cap', async () => {
    const s = strategy(6);
    let t = await s.acquireInitialRetryToken();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = await s.refreshRetryTokenForRetry(t, { errorType: 'THROTTLING' });
      delays.push(t.getRetryDelay());
    }
    expect(delays).toEqual([499, 999, 1998, 1998, 1998]);
    const transient = await s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), {
      errorType: 'TRANSIENT',
    });
    expect(transient.getRetryDelay()).toBe(99);
  });

  it('gives up after maxAttempts and never retries client errors', async () => {
    const s = strategy(2);
    const first = await s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), {
      errorType: 'SERVER_ERROR',
    });
    expect(first.getRetryCount()).toBe(1);
    await expect(s.refreshRetryTokenForRetry(first, { errorType: 'SERVER_ERROR' })).rejects.toThrow();
    await expect(
      s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), { errorType: 'CLIENT_ERROR' }),
    ).rejects.toThrow();
  });

  it('has no shared quota: a thousand throttled calls still get their retries', async () => {
    const s = strategy(3);
    for (let i = 0; i < 1000; i++) {
      const t = await s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), {
        errorType: 'THROTTLING',
      });
      expect(t.getRetryCount()).toBe(1);
    }
  });
});
