import { describe, expect, it } from 'vitest';
import { errorCode, isAccessDenied, isThrottling, isTransient, toErrorFact } from './errors.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe('AWS error classification', () => {
  it('tells permission errors, throttling and transient failures apart', () => {
    expect(isAccessDenied(sdkError('AccessDeniedException', 400))).toBe(true);
    expect(isAccessDenied(sdkError('ThrottlingException', 400))).toBe(false);
    expect(isThrottling(sdkError('RequestLimitExceeded', 503))).toBe(true);
    expect(isTransient(sdkError('ThrottlingException', 400))).toBe(true);
    expect(isTransient(sdkError('InternalFailure', 500))).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(sdkError('ValidationException', 400))).toBe(false);
  });

  it('keeps only the code and message of an error', () => {
    const err = Object.assign(sdkError('AccessDenied', 403), {
      $response: { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA…' } },
    });
    expect(toErrorFact(err)).toEqual({ code: 'AccessDenied', message: 'AccessDenied happened' });
    expect(errorCode('plain string')).toBe('UnknownError');
  });
});
