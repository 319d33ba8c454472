import type { ErrorFact } from '../checks/facts.js';

/** Error codes AWS uses for "you may not do this" (SCPs, missing permissions, missing roles). */
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthFailure',
  'NoSuchEntity',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'OptInRequired',
  'AWSOrganizationsNotInUseException',
]);

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** The AWS error code of an SDK error (its name), or a generic code for non-AWS failures. */
export function errorCode(err: unknown): string {
  const e = err as SdkLikeError | undefined;
  const code = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? e?.Code);
  if (code) return String(code);
  return 'UnknownError';
}

/** Turns any failure into an error fact; never includes request headers or credentials. */
export function toErrorFact(err: unknown): ErrorFact {
  const e = err as SdkLikeError | undefined;
  const message = (e?.message ?? String(err)).slice(0, 1000);
  return { code: errorCode(err), message };
}

export function isAccessDenied(err: unknown): boolean {
  return DENIED.has(errorCode(err));
}

export function isThrottling(err: unknown): boolean {
  return THROTTLING.has(errorCode(err));
}

/** Worth retrying later: throttling, 5xx, timeouts and network failures. */
export function isTransient(err: unknown): boolean {
  if (isThrottling(err)) return true;
  const e = err as SdkLikeError | undefined;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  const code = errorCode(err);
  return (
    /Timeout|TimedOut|ECONNRESET|ECONNREFUSED|EPIPE|ENOTFOUND|EAI_AGAIN|socket hang up/i.test(code) ||
    /ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|ETIMEDOUT/i.test(e?.message ?? '') ||
    code === 'InternalFailure' ||
    code === 'ServiceUnavailable' ||
    code === 'InternalError'
  );
}
