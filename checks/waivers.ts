import type { Waiver } from '../config/schema.js';
import type { AccountInfo } from './facts.js';
import type { Finding } from './types.js';

/** True when an OU reference (id, or a path with or without the leading /Root) covers the account. */
export function ouMatches(account: AccountInfo, ref: string): boolean {
  if (!ref.startsWith('/')) return account.ouIds.includes(ref);
  const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  const path = trim(account.ouPath);
  const root = path.split('/').slice(0, 2).join('/');
  const wanted = [trim(ref)];
  if (ref !== root && !ref.startsWith(`${root}/`)) wanted.push(trim(`${root}${ref === '/' ? '' : ref}`));
  return wanted.some((w) => path === w || path.startsWith(`${w}/`));
}

function matches(w: Waiver, f: Finding, accounts: ReadonlyMap<string, AccountInfo>): boolean {
  if (w.check !== f.checkId) return false;
  if (w.accounts?.length && (!f.accountId || !w.accounts.includes(f.accountId))) return false;
  if (w.ous?.length) {
    const account = f.accountId ? accounts.get(f.accountId) : undefined;
    if (!account || !w.ous.some((ou) => ouMatches(account, ou))) return false;
  }
  if (w.regions?.length && (!f.region || !w.regions.includes(f.region))) return false;
  return true;
}

/**
 * Applies waivers: a FAIL matching a valid waiver (same check; all of its accounts/OUs/regions
 * conditions) becomes WAIVED with the waiver attached. ERROR and PASS are untouched. Waivers whose
 * expiry date (UTC) has passed do not apply and are returned in `expired`.
 */
export function applyWaivers(
  findings: Finding[],
  waivers: readonly Waiver[],
  accounts: ReadonlyMap<string, AccountInfo>,
  now: Date,
): { findings: Finding[]; expired: Waiver[] } {
  const today = now.toISOString().slice(0, 10);
  const valid = waivers.filter((w) => w.expires >= today);
  const expired = waivers.filter((w) => w.expires < today);
  if (valid.length === 0) return { findings, expired };
  return {
    findings: findings.map((f) => {
      if (f.status !== 'FAIL') return f;
      const w = valid.find((x) => matches(x, f, accounts));
      return w ? { ...f, status: 'WAIVED', waiver: { reason: w.reason, expires: w.expires } } : f;
    }),
    expired,
  };
}
