/** Base class of the store's own errors. */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** A method was asked about a run id the store has never seen. */
export class RunNotFoundError extends StoreError {
  override name = 'RunNotFoundError';
  constructor(readonly runId: string) {
    super(`run ${runId} is not in the store`);
  }
}

/** The run lacks what a report needs (it failed before the organization was discovered). */
export class IncompleteRunError extends StoreError {
  override name = 'IncompleteRunError';
  constructor(
    readonly runId: string,
    what: string,
  ) {
    super(`run ${runId} has no ${what} recorded: there is nothing to report yet`);
  }
}

/**
 * Two findings of one run share a FindingKey (checkId, accountId, region, resourceArn): within one write,
 * or between an account's findings and the organization's. That is a bug in the check code, and retrying
 * will not fix it, so activities should treat it as non-retryable.
 */
export class DuplicateFindingError extends StoreError {
  override name = 'DuplicateFindingError';
  constructor(
    readonly runId: string,
    readonly origin: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`duplicate finding key in run ${runId} (writing ${origin}): ${detail}`, options);
  }
}
