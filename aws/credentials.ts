import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface AssumeRoleSettings {
  roleArn: string;
  externalId?: string | null;
  sessionName: string;
  durationSeconds: number;
}

interface Entry {
  promise: Promise<AwsCredentialIdentity>;
  expiresAt: number;
}

/**
 * Assumes each role once per worker and reuses the credentials until shortly before they expire, so an
 * account's regions (and a retried activity) share one AssumeRole. A failed AssumeRole is not cached.
 * Credentials live only in this process's memory: never in workflow inputs, results or heartbeats.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** AssumeRole calls made (for tests and the benchmark). */
  assumeRoleCalls = 0;

  constructor(
    private readonly sts: STSClient,
    private readonly opts: { refreshMarginMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** A provider for SDK clients that answers from the cache. */
  provider(settings: AssumeRoleSettings): AwsCredentialIdentityProvider {
    return () => this.get(settings);
  }

  /** Cached credentials for the role, assuming it when absent or about to expire. */
  get(settings: AssumeRoleSettings): Promise<AwsCredentialIdentity> {
    const key = `${settings.roleArn}|${settings.externalId ?? ''}`;
    const margin = this.opts.refreshMarginMs ?? 5 * 60_000;
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt - margin > this.now()) return hit.promise;
    const promise = this.assume(settings);
    // Until it settles, assume it lasts the requested duration; the real expiry replaces it below.
    const entry: Entry = { promise, expiresAt: this.now() + settings.durationSeconds * 1000 };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evict();
    promise.then(
      (c) => {
        if (c.expiration) entry.expiresAt = c.expiration.getTime();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return promise;
  }

  private async assume(s: AssumeRoleSettings): Promise<AwsCredentialIdentity> {
    this.assumeRoleCalls++;
    const out = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: s.roleArn,
        RoleSessionName: s.sessionName,
        DurationSeconds: s.durationSeconds,
        ...(s.externalId ? { ExternalId: s.externalId } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new Error(`AssumeRole into ${s.roleArn} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  }

  /** Accounts are audited once per run, so an old entry is rarely reused: keep the cache bounded. */
  private evict(): void {
    const max = this.opts.maxEntries ?? 5000;
    const now = this.now();
    if (this.entries.size <= max) return;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= max) break;
      if (e.expiresAt <= now || this.entries.size > max) this.entries.delete(k);
    }
  }
}
