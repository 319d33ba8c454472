import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeConfigurationAggregatorsCommand } from '@aws-sdk/client-config-service';
import { ListDelegatedAdministratorsCommand } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsEnvironment, RoleSettings } from '../../aws/clients.js';
import { isTransient, toErrorFact } from '../../aws/errors.js';
import { mapLimit, Semaphore, TokenBucket } from '../../aws/limits.js';
import { collectPages } from '../../aws/paginate.js';
import { TRAIL_TAMPER_EVENT_NAMES } from '../../checks/catalog-constants.js';
import type {
  AccountInfo,
  AggregatorFacts,
  ErrorFact,
  OrganizationFacts,
  Result,
  TamperEventFacts,
  TrailDescription,
  TrailFacts,
} from '../../checks/facts.js';
import { describeTrail, lookupTamperEvents, readTrailDetails } from './region.js';

export interface OrgCollectInput {
  aws: AwsEnvironment;
  /** For Organizations calls (delegated administrators). */
  discoveryCredentials: AwsCredentialIdentityProvider;
  role: RoleSettings;
  organizationId: string;
  managementAccountId: string;
  regions: string[];
  /** In-scope member accounts to read organization trails from when the management account is out of reach. */
  fallbackMembers: AccountInfo[];
  lookbackDays: number;
  now: Date;
  maxConcurrentCalls: number;
}

function errorOf(err: unknown): ErrorFact {
  return { ...toErrorFact(err), ...(isTransient(err) ? { transient: true } : {}) };
}

async function attempt<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return { value: await fn() };
  } catch (err) {
    return { error: errorOf(err) };
  }
}

/** Credentials for an account, resolved now so that an AssumeRole failure surfaces here. */
async function enter(
  input: OrgCollectInput,
  accountId: string,
): Promise<Result<AwsCredentialIdentityProvider>> {
  return attempt(async () => {
    const provider = await input.aws.accountCredentials(accountId, input.role);
    await provider();
    return provider;
  });
}

/** Organization trails as one account sees them: DescribeTrails in each region, read in detail once. */
async function orgTrailsFrom(
  input: OrgCollectInput,
  credentials: AwsCredentialIdentityProvider,
  calls: Semaphore,
): Promise<Result<TrailFacts[]>> {
  return input.aws.inAccount(credentials, async () => {
    const client = (region: string) => input.aws.regionClients(region).cloudtrail;
    const seen = new Map<string, TrailDescription>();
    let firstError: ErrorFact | undefined;
    let anyRead = false;
    await mapLimit(input.regions, input.maxConcurrentCalls, async (region) => {
      try {
        const out = await calls.run(() =>
          client(region).send(new DescribeTrailsCommand({ includeShadowTrails: true })),
        );
        anyRead = true;
        for (const t of (out.trailList ?? []).map(describeTrail)) {
          if (t.isOrganizationTrail && t.ownerAccountId === input.managementAccountId) seen.set(t.arn, t);
        }
      } catch (err) {
        firstError ??= errorOf(err);
      }
    });
    if (!anyRead)
      return { error: firstError ?? { code: 'NoRegions', message: 'no region to read trails from' } };
    const run = <T>(fn: () => Promise<T>) => attempt(() => calls.run(fn));
    const trails = await Promise.all(
      [...seen.values()].map((t) => {
        const region = input.regions.includes(t.homeRegion)
          ? t.homeRegion
          : (input.regions[0] ?? t.homeRegion);
        return readTrailDetails(t, client(region), run);
      }),
    );
    return { value: trails.sort((a, b) => a.arn.localeCompare(b.arn)) };
  });
}

/** Config aggregators in the management account and in delegated administrators for AWS Config. */
async function collectAggregators(
  input: OrgCollectInput,
  management: Result<AwsCredentialIdentityProvider>,
  calls: Semaphore,
): Promise<{ aggregators: Result<AggregatorFacts[]>; delegated: string[] }> {
  const delegatedResult = await input.aws.inAccount(input.discoveryCredentials, () =>
    attempt(() =>
      collectPages(async (token) => {
        const r = await input.aws.organizations().send(
          new ListDelegatedAdministratorsCommand({
            ServicePrincipal: 'config.amazonaws.com',
            NextToken: token,
          }),
        );
        return { items: r.DelegatedAdministrators, next: r.NextToken };
      }),
    ),
  );
  const delegated =
    'value' in delegatedResult ? delegatedResult.value.map((d) => d.Id ?? '').filter(Boolean) : [];
  const found: AggregatorFacts[] = [];
  const failures: ErrorFact[] = 'error' in delegatedResult ? [delegatedResult.error] : [];
  const sources: { accountId: string; creds: Result<AwsCredentialIdentityProvider> }[] = [
    { accountId: input.managementAccountId, creds: management },
  ];
  for (const id of delegated)
    if (id !== input.managementAccountId) sources.push({ accountId: id, creds: await enter(input, id) });
  for (const source of sources) {
    if ('error' in source.creds) {
      failures.push(source.creds.error);
      continue;
    }
    const creds = source.creds.value;
    await input.aws.inAccount(creds, () =>
      mapLimit(input.regions, input.maxConcurrentCalls, async (region) => {
        const cfg = input.aws.regionClients(region).config;
        const r = await attempt(() =>
          collectPages(async (token) => {
            const out = await calls.run(() =>
              cfg.send(new DescribeConfigurationAggregatorsCommand({ NextToken: token })),
            );
            return { items: out.ConfigurationAggregators, next: out.NextToken };
          }),
        );
        if ('error' in r) {
          failures.push(r.error);
          return;
        }
        for (const a of r.value) {
          const org = a.OrganizationAggregationSource;
          const acct = a.AccountAggregationSources?.[0];
          found.push({
            accountId: source.accountId,
            region,
            name: a.ConfigurationAggregatorName ?? '',
            arn: a.ConfigurationAggregatorArn ?? '',
            organizationSource: org !== undefined,
            allRegions: (org?.AllAwsRegions ?? acct?.AllAwsRegions) === true,
            regions: org?.AwsRegions ?? acct?.AwsRegions ?? [],
          });
        }
      }),
    );
  }
  // An aggregator we could not look for may exist: report the gap instead of an empty list.
  if (found.length === 0 && failures.length > 0)
    return { aggregators: { error: failures[0] as ErrorFact }, delegated };
  return { aggregators: { value: found.sort((a, b) => a.arn.localeCompare(b.arn)) }, delegated };
}

/**
 * Organization-wide facts: organization trails from the management account's view (or, if it is out of
 * reach, from a member's shadow copy), their tamper events, and Config aggregators.
 */
export async function collectOrganizationFacts(input: OrgCollectInput): Promise<OrganizationFacts> {
  const calls = new Semaphore(input.maxConcurrentCalls);
  const management = await enter(input, input.managementAccountId);
  const fromManagement =
    'value' in management ? await orgTrailsFrom(input, management.value, calls) : management;
  let orgTrails: Result<TrailFacts[]>;
  let source: OrganizationFacts['orgTrailsSource'] = { kind: 'none' };
  let orgTrailEvents: Result<TamperEventFacts[]>;
  if ('value' in management && 'value' in fromManagement) {
    const trails = fromManagement.value;
    orgTrails = { value: trails };
    source = { kind: 'management', accountId: input.managementAccountId };
    const window = { from: new Date(input.now.getTime() - input.lookbackDays * 86_400_000), to: input.now };
    orgTrailEvents = await input.aws.inAccount(management.value, () =>
      attempt(async () => {
        const all: TamperEventFacts[] = [];
        for (const region of new Set(trails.map((t) => t.homeRegion))) {
          const ct = input.aws.regionClients(region).cloudtrail;
          all.push(
            ...(await lookupTamperEvents(ct, TRAIL_TAMPER_EVENT_NAMES, window, new TokenBucket(2, 2), calls)),
          );
        }
        return all;
      }),
    );
  } else {
    const cause = 'error' in fromManagement ? fromManagement.error : { code: 'NotRead', message: 'not read' };
    orgTrails = { error: cause };
    orgTrailEvents = {
      error: {
        code: 'ManagementAccountUnreachable',
        message: `event history of the management account ${input.managementAccountId} could not be read: ${cause.code}`,
      },
    };
    // Members see organization trails as shadow copies: read them there rather than report nothing.
    for (const member of input.fallbackMembers
      .filter((m) => m.accountId !== input.managementAccountId)
      .slice(0, 3)) {
      const creds = await enter(input, member.accountId);
      if ('error' in creds) continue;
      const shadow = await orgTrailsFrom(input, creds.value, calls);
      if ('value' in shadow) {
        orgTrails = { value: shadow.value };
        source = { kind: 'shadow', accountId: member.accountId };
        break;
      }
    }
  }
  const { aggregators, delegated } = await collectAggregators(input, management, calls);
  return {
    organizationId: input.organizationId,
    managementAccountId: input.managementAccountId,
    orgTrails,
    orgTrailsSource: source,
    orgTrailEvents,
    aggregators,
    delegatedConfigAdmins: delegated,
  };
}
