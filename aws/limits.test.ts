import { describe, expect, it } from 'vitest';
import { mapLimit, Semaphore, TokenBucket } from './limits.js';

describe('Semaphore', () => {
  it('never lets more than its limit run at once and serves waiters in order', async () => {
    const s = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map((i) =>
      s.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise<void>((r) => gates.push(r));
        running--;
      }),
    );
    while (order.length < 5) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    for (const g of gates) g();
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(s.inUse).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then paces to the rate', async () => {
    let now = 0;
    const slept: number[] = [];
    const b = new TokenBucket(
      2,
      2,
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    for (let i = 0; i < 5; i++) await b.take();
    // Two at once, then one every 500 ms (2 per second).
    expect(slept).toEqual([500, 500, 500]);
    expect(now).toBe(1500);
  });
});

describe('mapLimit', () => {
  it('keeps input order and the concurrency limit', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});
