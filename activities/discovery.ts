import { createHash } from 'node:crypto';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mapLimit } from '../aws/limits.js';
import { collectPages } from '../aws/paginate.js';
import type { AccountInfo } from '../checks/facts.js';
import { ouMatches } from '../checks/waivers.js';
import type { InventoryAccount } from '../store/types.js';
import type { AuditSettings } from './types.js';

export interface DiscoveredOrganization {
  organizationId: string;
  managementAccountId: string;
  /** Every account, whatever its status, in a stable order (OU tree walk, then account id). */
  accounts: AccountInfo[];
}

/** DescribeOrganization: id and management account. */
export async function describeOrganization(
  org: OrganizationsClient,
): Promise<{ organizationId: string; managementAccountId: string }> {
  const o = (await org.send(new DescribeOrganizationCommand({}))).Organization;
  return { organizationId: o?.Id ?? '', managementAccountId: o?.MasterAccountId ?? '' };
}

/**
 * Walks the organization tree: roots, OUs recursively, the accounts of every parent with their OU path
 * and ids, and (optionally) their tags. Parents are read a few at a time: Organizations' APIs have low
 * rate limits.
 */
export async function walkOrganization(
  org: OrganizationsClient,
  opts: { includeTags: boolean; concurrency?: number },
): Promise<AccountInfo[]> {
  const roots = await collectPages(async (token) => {
    const r = await org.send(new ListRootsCommand({ NextToken: token }));
    return { items: r.Roots, next: r.NextToken };
  });
  const accounts: AccountInfo[] = [];
  let level = roots.map((r) => ({ id: r.Id ?? '', path: `/${r.Name ?? 'Root'}`, ids: [r.Id ?? ''] }));
  const concurrency = opts.concurrency ?? 4;
  while (level.length > 0) {
    const next: typeof level = [];
    await mapLimit(level, concurrency, async (parent) => {
      const [members, children] = await Promise.all([
        collectPages(async (token) => {
          const r = await org.send(
            new ListAccountsForParentCommand({ ParentId: parent.id, NextToken: token }),
          );
          return { items: r.Accounts, next: r.NextToken };
        }),
        collectPages(async (token) => {
          const r = await org.send(
            new ListOrganizationalUnitsForParentCommand({ ParentId: parent.id, NextToken: token }),
          );
          return { items: r.OrganizationalUnits, next: r.NextToken };
        }),
      ]);
      for (const a of members) accounts.push(accountInfo(a, parent.path, parent.ids));
      for (const ou of children) {
        next.push({
          id: ou.Id ?? '',
          path: `${parent.path}/${ou.Name ?? ou.Id}`,
          ids: [...parent.ids, ou.Id ?? ''],
        });
      }
    });
    level = next;
  }
  accounts.sort((a, b) => a.ouPath.localeCompare(b.ouPath) || a.accountId.localeCompare(b.accountId));
  if (opts.includeTags) {
    await mapLimit(accounts, concurrency, async (a) => {
      a.tags = await accountTags(org, a.accountId);
    });
  }
  return accounts;
}

/** An account's tags (ListTagsForResource, all pages). */
export async function accountTags(
  org: OrganizationsClient,
  accountId: string,
): Promise<Record<string, string>> {
  const tags = await collectPages(async (token) => {
    const r = await org.send(new ListTagsForResourceCommand({ ResourceId: accountId, NextToken: token }));
    return { items: r.Tags, next: r.NextToken };
  });
  return Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
}

function accountInfo(a: Account, ouPath: string, ouIds: string[]): AccountInfo {
  const state = (a as { State?: string }).State;
  return {
    accountId: a.Id ?? '',
    name: a.Name ?? '',
    ...(a.Email ? { email: a.Email } : {}),
    ouPath,
    ouIds,
    status: a.Status ?? state ?? 'UNKNOWN',
    tags: {},
  };
}

/**
 * Applies the scope filters: accounts listed in includeAccounts or under an includeOus entry (everything
 * when both are empty), minus excludeAccounts and excludeOus; accounts that are not ACTIVE are out.
 * Returns every account with its verdict, so excluded ones are reported, not dropped.
 */
export function applyScope(accounts: AccountInfo[], scope: AuditSettings['scope']): InventoryAccount[] {
  const hasInclude = scope.includeAccounts.length > 0 || scope.includeOus.length > 0;
  return accounts.map((a, seq) => {
    let reason: string | undefined;
    if (a.status !== 'ACTIVE') reason = `account status is ${a.status}`;
    else if (scope.excludeAccounts.includes(a.accountId)) reason = 'listed in scope.excludeAccounts';
    else if (scope.excludeOus.some((ou) => ouMatches(a, ou))) {
      reason = `under an excluded OU (${scope.excludeOus.filter((ou) => ouMatches(a, ou)).join(', ')})`;
    } else if (
      hasInclude &&
      !scope.includeAccounts.includes(a.accountId) &&
      !scope.includeOus.some((ou) => ouMatches(a, ou))
    ) {
      reason = 'not in scope.includeAccounts or scope.includeOus';
    }
    return { ...a, seq, inScope: reason === undefined, ...(reason ? { excludedReason: reason } : {}) };
  });
}

/** EC2 DescribeRegions(AllRegions): enabled regions and opt-in regions that are not enabled. */
export async function describeRegions(ec2: EC2Client): Promise<{ enabled: string[]; disabled: string[] }> {
  const out = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
  const enabled: string[] = [];
  const disabled: string[] = [];
  for (const r of out.Regions ?? []) {
    if (!r.RegionName) continue;
    if (r.OptInStatus === 'not-opted-in') disabled.push(r.RegionName);
    else enabled.push(r.RegionName);
  }
  return { enabled: enabled.sort(), disabled: disabled.sort() };
}

/**
 * The regions to audit in one account: the configured list (those not enabled there are DISABLED) or
 * every enabled region.
 */
export function accountRegions(
  configured: AuditSettings['scope']['regions'],
  available: { enabled: string[]; disabled: string[] },
): { audit: string[]; disabled: string[] } {
  if (configured === 'enabled')
    return { audit: [...available.enabled].sort(), disabled: [...available.disabled].sort() };
  const enabled = new Set(available.enabled);
  return {
    audit: configured.filter((r) => enabled.has(r)).sort(),
    disabled: configured.filter((r) => !enabled.has(r)).sort(),
  };
}

/** A stable identity of "what this run audits": organization, scope filters, regions and role. */
export function scopeKey(organizationId: string, settings: AuditSettings): string {
  const scope = settings.scope;
  const canonical = JSON.stringify({
    organizationId,
    includeOus: [...scope.includeOus].sort(),
    excludeOus: [...scope.excludeOus].sort(),
    includeAccounts: [...scope.includeAccounts].sort(),
    excludeAccounts: [...scope.excludeAccounts].sort(),
    regions: scope.regions === 'enabled' ? 'enabled' : [...scope.regions].sort(),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
