import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

interface Token extends RetryToken {
  getRetryCost(): number | undefined;
}

function token(count: number, delay: number): Token {
  return { getRetryCount: () => count, getRetryDelay: () => delay, getRetryCost: () => undefined };
}

/**
 * Retries throttling, transient and server errors with capped exponential backoff and full jitter, and
 * nothing else. Unlike the SDK's standard strategy it has no shared retry quota: clients are shared by all
 * the accounts of a worker, and one account's throttling must not use up the retries of the others.
 */
export class BackoffRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';

  constructor(
    readonly maxAttempts: number,
    private readonly opts: {
      baseMs?: number;
      throttlingBaseMs?: number;
      maxDelayMs?: number;
      random?: () => number;
    } = {},
  ) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const next = previous.getRetryCount() + 1;
    if (info.errorType === 'CLIENT_ERROR' || next >= this.maxAttempts) throw new Error('no retry');
    const base =
      info.errorType === 'THROTTLING' ? (this.opts.throttlingBaseMs ?? 500) : (this.opts.baseMs ?? 100);
    const cap = Math.min(this.opts.maxDelayMs ?? 20_000, base * 2 ** (next - 1));
    let delay = Math.floor((this.opts.random ?? Math.random)() * cap);
    if (info.retryAfterHint)
      delay = Math.max(delay, Math.min(info.retryAfterHint.getTime() - Date.now(), cap + 5_000));
    return token(next, delay);
  }

  recordSuccess(): void {}
}
