import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RequestSigner } from '@smithy/types';

/** The SignatureV4 method this module replaces per instance (private in its type declarations). */
interface SigningKeyDeriver {
  getSigningKey(
    credentials: AwsCredentialIdentity,
    region: string,
    shortDate: string,
    service?: string,
  ): Promise<Uint8Array>;
}

/** Credentials whose signing keys a signer keeps: more than the accounts a worker has in flight by default. */
export const SIGNING_KEYS_KEPT = 256;

/**
 * A SigV4 signer for one shared client (one service in one region), built once, that derives the signing
 * key of each credentials once per day.
 *
 * Why: by default the SDK builds a new SignatureV4 for every request (copying the client's whole
 * resolved configuration to do so), and SignatureV4 keeps derived keys in one process-wide cache of 50
 * entries. A worker signs for a hundred accounts × 17 regions × 3 services at once, so nearly every
 * request derived its key again: four HMACs, plus a fifth to look the cache up.
 *
 * Keys are kept for the last SIGNING_KEYS_KEPT credentials objects the client signed with (assumed-role
 * credentials are cached objects, see CredentialCache), oldest out first, so memory stays bounded however
 * many accounts a worker audits; beyond that many accounts in flight keys are derived again, as the SDK
 * does. Signatures are byte-for-byte those of a plain SignatureV4 (aws/signer.test.ts).
 */
export class CachingSigner extends SignatureV4 {
  private readonly keys = new Map<AwsCredentialIdentity, { scope: string; key: Promise<Uint8Array> }>();

  /** Signing keys derived so far (for tests). */
  derivations = 0;

  constructor(opts: {
    credentials: AwsCredentialIdentityProvider;
    region: string;
    service: string;
    keep?: number;
  }) {
    const { keep = SIGNING_KEYS_KEPT, ...init } = opts;
    super({ ...init, sha256: Sha256, uriEscapePath: true, applyChecksum: true });
    const self = this as unknown as SigningKeyDeriver;
    if (typeof self.getSigningKey !== 'function') {
      throw new Error(
        '@smithy/signature-v4 no longer derives signing keys in getSigningKey: revisit aws/signer.ts',
      );
    }
    const derive = self.getSigningKey.bind(this);
    self.getSigningKey = (credentials, region, shortDate, service) => {
      const scope = `${shortDate}/${region}/${service ?? ''}`;
      const kept = this.keys.get(credentials);
      if (kept?.scope === scope) return kept.key;
      this.derivations++;
      const key = derive(credentials, region, shortDate, service);
      const entry = { scope, key };
      this.keys.delete(credentials);
      this.keys.set(credentials, entry);
      for (const oldest of this.keys.keys()) {
        if (this.keys.size <= keep) break;
        this.keys.delete(oldest);
      }
      // A failed derivation must not be served again.
      key.catch(() => {
        if (this.keys.get(credentials) === entry) this.keys.delete(credentials);
      });
      return key;
    };
  }

  /** Credentials whose keys are kept (for tests). */
  get kept(): number {
    return this.keys.size;
  }
}

/** The `signer` setting of an SDK client: one CachingSigner for all its requests. */
export function cachingSigner(opts: {
  credentials: AwsCredentialIdentityProvider;
  region: string;
  service: string;
}): { signer: () => Promise<RequestSigner> } {
  const signer = new CachingSigner(opts);
  const promise = Promise.resolve(signer);
  return { signer: () => promise };
}
