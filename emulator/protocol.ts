/**
 * Just enough of the AWS wire protocols for the front proxy: which service, operation, account key and
 * region a signed request is for, and how each protocol spells an error.
 */

export type Protocol = 'json' | 'query' | 'ec2' | 'rest';

export interface ParsedRequest {
  service: string;
  operation: string;
  region: string;
  accessKeyId: string;
  protocol: Protocol;
  /** JSON body for json-protocol calls, form parameters for query calls. */
  json?: Record<string, unknown>;
  params?: URLSearchParams;
}

const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** Reads service, operation, region and access key id from a SigV4-signed request. */
export function parseRequest(
  method: string,
  url: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): ParsedRequest {
  const auth = String(headers.authorization ?? '');
  const scope = auth.match(CREDENTIAL_SCOPE);
  const accessKeyId = scope?.[1] ?? '';
  const region = scope?.[2] ?? 'us-east-1';
  const service = scope?.[3] ?? 'unknown';
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    let json: Record<string, unknown> = {};
    try {
      json = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      json = {};
    }
    return {
      service,
      operation: target.slice(target.lastIndexOf('.') + 1),
      region,
      accessKeyId,
      protocol: 'json',
      json,
    };
  }
  const contentType = String(headers['content-type'] ?? '');
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const params = new URLSearchParams(
    contentType.includes('application/x-www-form-urlencoded') ? body.toString('utf8') : query,
  );
  const action = params.get('Action');
  if (action) {
    return {
      service,
      operation: action,
      region,
      accessKeyId,
      protocol: service === 'ec2' ? 'ec2' : 'query',
      params,
    };
  }
  return { service, operation: `${method} ${url.split('?')[0]}`, region, accessKeyId, protocol: 'rest' };
}

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An error in the shape each protocol's SDK deserializer expects, so the caller sees `code`. */
export function errorReply(protocol: Protocol, status: number, code: string, message: string): ErrorReply {
  const requestId = `emulated-${Math.random().toString(16).slice(2, 10)}`;
  const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  switch (protocol) {
    case 'json':
      return {
        status,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': code,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ __type: code, message }),
      };
    case 'ec2':
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    default:
      return {
        status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

/** The throttling error code each service uses (all are recognised by the SDK's retry strategy). */
export function throttleCode(service: string): string {
  if (service === 'ec2') return 'RequestLimitExceeded';
  if (service === 'sts' || service === 'sns') return 'Throttling';
  if (service === 'organizations') return 'TooManyRequestsException';
  return 'ThrottlingException';
}
