import { Readable } from 'node:stream';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { CachingSigner, cachingSigner } from './signer.js';

const alice: AwsCredentialIdentity = {
  accessKeyId: 'ASIAALICE',
  secretAccessKey: 'alice-secret',
  sessionToken: 'alice-token',
};
const bob: AwsCredentialIdentity = { accessKeyId: 'ASIABOB', secretAccessKey: 'bob-secret' };

function request(body: string): HttpRequest {
  return {
    method: 'POST',
    protocol: 'https:',
    hostname: 'cloudtrail.eu-west-1.amazonaws.com',
    path: '/',
    query: {},
    headers: {
      host: 'cloudtrail.eu-west-1.amazonaws.com',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CloudTrail_20131101.DescribeTrails',
    },
    body,
  };
}

/** What a plain SignatureV4, as the SDK builds one per request, puts in the Authorization header. */
async function plainAuthorization(
  credentials: AwsCredentialIdentity,
  req: HttpRequest,
  signingDate: Date,
  region: string,
): Promise<string | undefined> {
  const plain = new SignatureV4({ credentials, region, service: 'cloudtrail', sha256: Sha256 });
  const signed = await plain.sign(req, { signingDate, signingRegion: region, signingService: 'cloudtrail' });
  return signed.headers.authorization;
}

/** A CachingSigner whose current credentials the test switches with `use`. */
function switchable(keep?: number) {
  let who = alice;
  const signer = new CachingSigner({
    credentials: async () => who,
    region: 'eu-west-1',
    service: 'cloudtrail',
    ...(keep === undefined ? {} : { keep }),
  });
  return {
    signer,
    use(c: AwsCredentialIdentity) {
      who = c;
    },
  };
}

function signAt(signer: CachingSigner, req: HttpRequest, signingDate: Date, region: string) {
  return signer.sign(req, { signingDate, signingRegion: region, signingService: 'cloudtrail' });
}

describe('CachingSigner', () => {
  it('signs exactly as a plain SignatureV4 would, for each identity, region and day', async () => {
    const { signer, use } = switchable();
    const cases: [AwsCredentialIdentity, string, Date][] = [
      [alice, 'eu-west-1', new Date('2026-11-24T10:00:00Z')],
      [alice, 'eu-west-1', new Date('2026-11-24T10:00:01Z')],
      [bob, 'eu-west-1', new Date('2026-11-24T10:00:02Z')],
      [alice, 'us-east-1', new Date('2026-11-24T10:00:03Z')],
      [alice, 'eu-west-1', new Date('2026-11-25T00:00:00Z')],
    ];
    for (const [i, [creds, region, date]] of cases.entries()) {
      use(creds);
      const req = request(`{"n":${i}}`);
      const signed = await signAt(signer, req, date, region);
      expect(signed.headers.authorization).toBe(await plainAuthorization(creds, req, date, region));
      expect(signed.headers['x-amz-security-token']).toBe(creds.sessionToken);
    }
  });

  it('derives a signing key once per identity, region and day', async () => {
    const { signer, use } = switchable();
    const sign = (region: string, iso: string) => signAt(signer, request('{}'), new Date(iso), region);
    await Promise.all(Array.from({ length: 20 }, () => sign('eu-west-1', '2026-11-24T10:00:00Z')));
    expect(signer.derivations).toBe(1);
    use(bob);
    await sign('eu-west-1', '2026-11-24T10:00:00Z');
    await sign('eu-west-1', '2026-11-24T11:00:00Z');
    expect(signer.derivations).toBe(2);
    await sign('us-east-1', '2026-11-24T11:00:00Z');
    expect(signer.derivations).toBe(3);
    await sign('us-east-1', '2026-11-25T00:00:01Z');
    expect(signer.derivations).toBe(4);
    // A new credentials object (say, refreshed ones) is a new identity even with the same access key.
    use({ ...bob });
    await sign('us-east-1', '2026-11-25T00:00:02Z');
    expect(signer.derivations).toBe(5);
  });

  it('keeps the keys of a bounded number of credentials, the most recent ones', async () => {
    const { signer, use } = switchable(2);
    const carol: AwsCredentialIdentity = { accessKeyId: 'ASIACAROL', secretAccessKey: 'carol-secret' };
    const signAs = async (c: AwsCredentialIdentity) => {
      use(c);
      const req = request('{}');
      const date = new Date('2026-11-24T10:00:00Z');
      const signed = await signAt(signer, req, date, 'eu-west-1');
      // Whatever is kept or dropped, the signature stays right.
      expect(signed.headers.authorization).toBe(await plainAuthorization(c, req, date, 'eu-west-1'));
    };
    for (const c of [alice, bob, carol]) await signAs(c);
    expect([signer.derivations, signer.kept]).toEqual([3, 2]);
    await signAs(carol);
    await signAs(bob);
    expect(signer.derivations).toBe(3);
    // Alice's key went first: it is derived again, and pushes out the oldest of the others.
    await signAs(alice);
    expect([signer.derivations, signer.kept]).toEqual([4, 2]);
    await signAs(bob);
    expect(signer.derivations).toBe(5);
  });

  it('is the signer an SDK client uses for every request, with the credentials of the moment', async () => {
    let who = alice;
    const sent: HttpRequest[] = [];
    const credentials = async () => who;
    const { signer } = cachingSigner({ credentials, region: 'eu-west-1', service: 'cloudtrail' });
    const client = new CloudTrailClient({
      region: 'eu-west-1',
      credentials,
      signer,
      requestHandler: {
        async handle(req: HttpRequest) {
          sent.push(req);
          const body = Buffer.from('{"trailList":[]}');
          return {
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/x-amz-json-1.1' },
              body: Readable.from([body]),
            },
          };
        },
      },
    });
    await client.send(new DescribeTrailsCommand({}));
    who = bob;
    await client.send(new DescribeTrailsCommand({}));
    client.destroy();
    const instance = await signer();
    expect(instance).toBeInstanceOf(CachingSigner);
    expect((instance as CachingSigner).derivations).toBe(2);
    expect(sent.map((r) => r.headers.authorization?.match(/Credential=(\w+)\//)?.[1])).toEqual([
      'ASIAALICE',
      'ASIABOB',
    ]);
    // Each request's signature checks out against a plain signer at the request's own date.
    for (const [req, creds] of [
      [sent[0], alice],
      [sent[1], bob],
    ] as const) {
      if (!req) throw new Error('request not sent');
      const { authorization, ...unsigned } = req.headers;
      // x-amz-date is ISO 8601 without separators: 20261124T100000Z.
      const amzDate = unsigned['x-amz-date'] ?? '';
      const date = new Date(
        amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
      );
      expect(authorization).toBe(
        await plainAuthorization(creds, { ...req, headers: unsigned }, date, 'eu-west-1'),
      );
    }
  });
});
