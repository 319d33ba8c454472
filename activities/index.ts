import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AwsEnvironment } from '../aws/clients.js';
import { isAccessDenied, isTransient, toErrorFact } from '../aws/errors.js';
import { Semaphore, TokenBucket } from '../aws/limits.js';
import { accountNotAssessed, evaluateAccount, evaluateOrganization } from '../checks/engine.js';
import type { AccountInfo, ErrorFact, OrganizationFacts, RegionFacts } from '../checks/facts.js';
import type { EvaluationContext, Finding, Severity } from '../checks/types.js';
import { applyWaivers } from '../checks/waivers.js';
import type { RegionStatus, Summary } from '../report/model.js';
import type { InventoryAccount, Store } from '../store/types.js';
import {
  type AlertDestination,
  type AlertSender,
  alertRelevant,
  buildAlert,
  TAMPER_CHECK,
} from './alerts.js';
import { collectOrganizationFacts } from './collect/organization.js';
import { collectRegion, regionErrors } from './collect/region.js';
import {
  accountRegions,
  accountTags,
  applyScope,
  describeOrganization,
  describeRegions,
  scopeKey,
  walkOrganization,
} from './discovery.js';
import {
  ACCOUNT_MAX_ATTEMPTS,
  type AccountOutcome,
  type AuditSettings,
  emptyCounts,
  type FindingCounts,
  type OrgOutcome,
  type RunStart,
} from './types.js';

/** What the activities need from the worker: injected, so tests pass their own. */
export interface ActivityDeps {
  store: Store;
  aws: AwsEnvironment;
  /** Alert delivery; absent when the worker has no alert destinations configured. */
  alerts?: AlertSender;
  now?: () => Date;
}

/** The run's settings and organization facts, loaded once per worker per run. */
interface RunContext {
  settings: AuditSettings;
  regions: string[];
  org: OrganizationFacts;
  disabled: ReadonlySet<string>;
}

function counts(findings: readonly Finding[]): FindingCounts {
  const c = emptyCounts();
  for (const f of findings) c[f.status]++;
  return c;
}

/** A retryable activity failure that carries the AWS error code but never request details. */
function retryable(err: unknown, what: string): ApplicationFailure {
  const fact = toErrorFact(err);
  return ApplicationFailure.retryable(`${what}: ${fact.code}: ${fact.message}`, fact.code);
}

/**
 * Heartbeats on a timer while `fn` runs: discovery and organization reads of a large organization take
 * minutes of API calls with no natural checkpoint, and must not look like a dead worker meanwhile.
 */
async function withHeartbeats<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(what);
  const timer = setInterval(
    () => ctx.heartbeat(what),
    Math.max(1000, Math.min(10_000, (ctx.info.heartbeatTimeoutMs ?? 120_000) / 3)),
  );
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** Every region read failed: nothing in it can be assessed. */
function unreadable(f: RegionFacts): boolean {
  return (
    'error' in f.visibleTrails &&
    'error' in f.config.recorders &&
    'error' in f.config.deliveryChannels &&
    'error' in f.config.rules &&
    'error' in f.tamperEvents
  );
}

/** Builds the activities of a worker (samples' activities-dependency-injection pattern). */
export function createActivities(deps: ActivityDeps) {
  const { store, aws } = deps;
  const now = deps.now ?? (() => new Date());
  const runs = new Map<string, Promise<RunContext>>();

  function runContext(runId: string): Promise<RunContext> {
    let ctx = runs.get(runId);
    if (!ctx) {
      ctx = (async () => {
        const [run, settings, org] = await Promise.all([
          store.getRun(runId),
          store.getRunSettings(runId),
          store.loadOrganizationFacts(runId),
        ]);
        if (!run || !settings || !org) {
          throw ApplicationFailure.nonRetryable(
            `run ${runId} has no settings or organization facts in the store`,
            'RunNotStarted',
          );
        }
        const s = settings as unknown as AuditSettings;
        return { settings: s, regions: run.regions, org, disabled: new Set(s.checks.disable) };
      })();
      ctx.catch(() => runs.delete(runId));
      runs.set(runId, ctx);
      // A worker serves runs one after another: keep the few most recent.
      if (runs.size > 8) runs.delete(runs.keys().next().value as string);
    }
    return ctx;
  }

  function evaluationContext(run: RunContext): EvaluationContext {
    return {
      now: now(),
      staleDeliveryHours: run.settings.audit.staleDeliveryHours,
      lookbackDays: run.settings.audit.lookbackDays,
      auditedRegions: run.regions,
      organization: run.org,
    };
  }

  async function inventoryAt(runId: string, index: number): Promise<InventoryAccount> {
    const [account] = await store.inventoryPage(runId, index, 1);
    if (!account)
      throw ApplicationFailure.nonRetryable(
        `run ${runId} has no in-scope account at position ${index}`,
        'InventoryMissing',
      );
    return account;
  }

  async function saveNotAssessed(
    runId: string,
    run: RunContext,
    account: AccountInfo,
    error: ErrorFact,
  ): Promise<AccountOutcome> {
    const { findings } = applyWaivers(
      accountNotAssessed(account, error, { disabled: run.disabled }),
      run.settings.waivers,
      new Map([[account.accountId, account]]),
      now(),
    );
    await store.saveAccountResult(runId, {
      accountId: account.accountId,
      status: 'NOT_ASSESSED',
      error,
      regions: [],
      findings,
    });
    return {
      accountId: account.accountId,
      status: 'NOT_ASSESSED',
      error,
      regions: { assessed: 0, disabled: 0, error: 0 },
      findings: counts(findings),
    };
  }

  /** Discovery: organization, accounts with OU paths, scope, regions; writes the inventory to the store. */
  async function startRun({
    runId,
    settings,
  }: {
    runId: string;
    settings: AuditSettings;
  }): Promise<RunStart> {
    const credentials = aws.discoveryCredentials(settings.organization.discoveryRoleArn, settings.audit);
    const org = aws.organizations();
    let identity: { organizationId: string; managementAccountId: string };
    try {
      identity = await aws.inAccount(credentials, () => describeOrganization(org));
    } catch (err) {
      if (isTransient(err)) throw retryable(err, 'DescribeOrganization');
      const fact = toErrorFact(err);
      throw ApplicationFailure.nonRetryable(
        `cannot read the organization: ${fact.code}: ${fact.message}`,
        fact.code,
      );
    }
    const key = scopeKey(identity.organizationId, settings);
    await store.createRun({
      runId,
      scopeKey: key,
      startedAt: now().toISOString(),
      settings: settings as unknown as Record<string, unknown>,
    });
    await store.saveOrganization(runId, {
      id: identity.organizationId,
      managementAccountId: identity.managementAccountId,
    });
    const accounts = await aws
      // Tags are read by each account's own activity: one call per account here would keep an
      // organization of thousands waiting in this one, serial phase.
      .inAccount(credentials, () => walkOrganization(org, { includeTags: false, concurrency: 8 }))
      .catch((err: unknown) => {
        throw isTransient(err)
          ? retryable(err, 'walking the organization')
          : ApplicationFailure.nonRetryable(toErrorFact(err).message, toErrorFact(err).code);
      });
    const inventory = applyScope(accounts, settings.scope);
    await store.saveInventory(runId, inventory);
    let regions: string[];
    if (settings.scope.regions === 'enabled') {
      const ec2 = aws.regionClients(settings.audit.homeRegion).ec2;
      regions = (await aws.inAccount(credentials, () => describeRegions(ec2))).enabled;
    } else {
      regions = [...settings.scope.regions].sort();
    }
    const inScope = inventory.filter((a) => a.inScope).length;
    await store.setRunScope(runId, { regions, accountCount: inScope });
    const today = now().toISOString().slice(0, 10);
    await store.setExpiredWaivers(
      runId,
      settings.waivers.filter((w) => w.expires < today),
    );
    return {
      organizationId: identity.organizationId,
      managementAccountId: identity.managementAccountId,
      scopeKey: key,
      accountsInScope: inScope,
      accountsExcluded: inventory.length - inScope,
      regions,
    };
  }

  /** Organization-wide facts and findings: organization trails, their tamper events, aggregators. */
  async function auditOrganization({ runId }: { runId: string }): Promise<OrgOutcome> {
    const run = await store.getRun(runId);
    const settings = (await store.getRunSettings(runId)) as unknown as AuditSettings | undefined;
    if (!run || !settings || !run.organizationId || !run.managementAccountId) {
      throw ApplicationFailure.nonRetryable(`run ${runId} was not started`, 'RunNotStarted');
    }
    const members = await store.inventoryPage(runId, 0, 5);
    const facts = await collectOrganizationFacts({
      aws,
      discoveryCredentials: aws.discoveryCredentials(settings.organization.discoveryRoleArn, settings.audit),
      role: settings.audit,
      organizationId: run.organizationId,
      managementAccountId: run.managementAccountId,
      regions: run.regions,
      fallbackMembers: members,
      lookbackDays: settings.audit.lookbackDays,
      now: now(),
      maxConcurrentCalls: settings.audit.maxConcurrentCallsPerAccount,
    });
    await store.saveOrganization(
      runId,
      { id: run.organizationId, managementAccountId: run.managementAccountId },
      facts,
    );
    runs.delete(runId);
    const management = await findInventoryAccount(store, runId, run.managementAccountId);
    const ctx = await runContext(runId);
    const { findings } = applyWaivers(
      evaluateOrganization(evaluationContext(ctx), { disabled: ctx.disabled }),
      settings.waivers,
      new Map(management ? [[management.accountId, management]] : []),
      now(),
    );
    await store.saveOrgFindings(runId, findings);
    return {
      orgTrails: 'value' in facts.orgTrails ? facts.orgTrails.value.length : 0,
      orgTrailsSource: facts.orgTrailsSource.kind,
      findings: counts(findings),
    };
  }

  return {
    /** Discovery: organization, accounts with OU paths, scope, regions; writes the inventory to the store. */
    async startRun(input: { runId: string; settings: AuditSettings }): Promise<RunStart> {
      return withHeartbeats('discovering the organization', () => startRun(input));
    },

    /** Organization-wide facts and findings: organization trails, their tamper events, aggregators. */
    async auditOrganization(input: { runId: string }): Promise<OrgOutcome> {
      return withHeartbeats('reading organization-wide facts', () => auditOrganization(input));
    },

    /**
     * One account: enter it, find its regions, read each region (resuming after the regions an earlier
     * attempt finished), evaluate and store the findings. Heartbeats carry region names only.
     */
    async auditAccount({ runId, index }: { runId: string; index: number }): Promise<AccountOutcome> {
      const ctx = Context.current();
      const run = await runContext(runId);
      const account = await inventoryAt(runId, index);
      const audit = run.settings.audit;

      let credentials: AwsCredentialIdentityProvider;
      try {
        credentials = await aws.accountCredentials(account.accountId, audit);
        await credentials();
      } catch (err) {
        // A role that is missing or does not trust us will not start working on a retry.
        if (isAccessDenied(err)) return saveNotAssessed(runId, run, account, toErrorFact(err));
        throw retryable(err, `entering account ${account.accountId}`);
      }

      let available: { enabled: string[]; disabled: string[] };
      try {
        const ec2 = aws.regionClients(audit.homeRegion).ec2;
        available = await aws.inAccount(credentials, () => describeRegions(ec2));
      } catch (err) {
        if (!isAccessDenied(err)) throw retryable(err, `listing the regions of ${account.accountId}`);
        // Without ec2:DescribeRegions opt-in status is unknown: audit the run's regions.
        available = { enabled: run.regions, disabled: [] };
      }
      const { audit: regions, disabled } = accountRegions(run.settings.scope.regions, available);
      // Tags come from Organizations (the discovery credentials); they inform reports, not verdicts, so a
      // failure to read them is logged and the audit goes on.
      const tagsRead = run.settings.organization.includeTags
        ? aws
            .inAccount(aws.discoveryCredentials(run.settings.organization.discoveryRoleArn, audit), () =>
              accountTags(aws.organizations(), account.accountId),
            )
            .then((tags) => store.setAccountTags(runId, account.accountId, tags))
            .catch((err: unknown) =>
              ctx.log.warn('could not read account tags', {
                accountId: account.accountId,
                error: toErrorFact(err).code,
              }),
            )
        : Promise.resolve();

      const previous =
        (ctx.info.heartbeatDetails as { doneRegions?: string[] } | undefined)?.doneRegions ?? [];
      const facts: RegionFacts[] = previous.length
        ? (await store.loadRegionFacts(runId, account.accountId)).filter(
            (f) => previous.includes(f.region) && regions.includes(f.region),
          )
        : [];
      const done = new Set(facts.map((f) => f.region));
      const failedRegions: { region: string; error: ErrorFact }[] = [];
      const retryLater: string[] = [];
      const lastAttempt = ctx.info.attempt >= ACCOUNT_MAX_ATTEMPTS;
      const calls = new Semaphore(audit.maxConcurrentCallsPerAccount);
      const beat = () => ctx.heartbeat({ doneRegions: [...done] });
      // Well inside the heartbeat timeout, so a slow region never looks like a dead worker.
      const timer = setInterval(
        beat,
        Math.max(1000, Math.min(10_000, (ctx.info.heartbeatTimeoutMs ?? 120_000) / 3)),
      );
      try {
        const work = aws.inAccount(credentials, () =>
          Promise.all(
            regions
              .filter((r) => !done.has(r))
              .map(async (region) => {
                const f = await collectRegion({
                  accountId: account.accountId,
                  region,
                  auditedRegions: regions,
                  lookbackDays: audit.lookbackDays,
                  now: now(),
                  clients: aws.regionClients(region),
                  calls,
                  lookupRate: new TokenBucket(2, 2),
                });
                const errors = regionErrors(f);
                if (!lastAttempt && errors.some((e) => e.transient)) {
                  retryLater.push(region);
                  return;
                }
                if (unreadable(f)) failedRegions.push({ region, error: errors[0] as ErrorFact });
                else {
                  await store.saveRegionFacts(runId, f);
                  facts.push(f);
                  done.add(region);
                }
                beat();
              }),
          ),
        );
        // On cancellation the race ends first; whatever the regions still in flight do later must not crash us.
        work.catch(() => undefined);
        await Promise.race([work, ctx.cancelled]);
      } finally {
        clearInterval(timer);
      }
      if (retryLater.length > 0) {
        throw ApplicationFailure.retryable(
          `regions ${retryLater.sort().join(', ')} of ${account.accountId} hit throttling or transient errors; they are read again on retry`,
          'RegionsIncomplete',
        );
      }

      await tagsRead;
      facts.sort((a, b) => a.region.localeCompare(b.region));
      const { findings } = applyWaivers(
        evaluateAccount(
          { account, regions: facts, disabledRegions: disabled, failedRegions },
          evaluationContext(run),
          { disabled: run.disabled },
        ),
        run.settings.waivers,
        new Map([[account.accountId, account]]),
        now(),
      );
      const statuses: RegionStatus[] = [
        ...facts.map((f) => ({ region: f.region, status: 'ASSESSED' as const })),
        ...failedRegions.map((f) => ({
          region: f.region,
          status: 'ERROR' as const,
          error: { code: f.error.code, message: f.error.message },
        })),
        ...disabled.map((r) => ({ region: r, status: 'DISABLED' as const })),
      ].sort((a, b) => a.region.localeCompare(b.region));
      await store.saveAccountResult(runId, {
        accountId: account.accountId,
        status: 'ASSESSED',
        regions: statuses,
        findings,
      });
      return {
        accountId: account.accountId,
        status: 'ASSESSED',
        regions: { assessed: facts.length, disabled: disabled.length, error: failedRegions.length },
        findings: counts(findings),
      };
    },

    /** An account whose activity failed for good: NOT_ASSESSED with the reason, never dropped. */
    async recordAccountFailure({
      runId,
      index,
      error,
    }: {
      runId: string;
      index: number;
      error: ErrorFact;
    }): Promise<AccountOutcome> {
      const run = await runContext(runId);
      return saveNotAssessed(runId, run, await inventoryAt(runId, index), error);
    },

    /** Marks the run finished and returns its summary. */
    async finishRun({
      runId,
      status,
      error,
    }: {
      runId: string;
      status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
      error?: string;
    }): Promise<Summary> {
      await store.finishRun(runId, { status, finishedAt: now().toISOString(), ...(error ? { error } : {}) });
      return store.summary(runId);
    },

    /** A run that failed before its accounts were known: make sure it is on record as FAILED. */
    async failRun({
      runId,
      settings,
      error,
    }: {
      runId: string;
      settings: AuditSettings;
      error: string;
    }): Promise<void> {
      if (!(await store.getRun(runId))) {
        await store.createRun({
          runId,
          scopeKey: 'unknown',
          startedAt: now().toISOString(),
          settings: settings as unknown as Record<string, unknown>,
        });
      }
      await store.finishRun(runId, { status: 'FAILED', finishedAt: now().toISOString(), error });
    },

    /** The alert destinations this worker is configured with (none: alerts are off). */
    async alertDestinations(): Promise<AlertDestination[]> {
      return deps.alerts?.destinations() ?? [];
    },

    /**
     * Delivers a finished run's alert (drift against the previous run, new tamper evidence) to one
     * destination. Throws on a refused delivery so Temporal retries until the receiver is back.
     */
    async deliverAlert({
      runId,
      destination,
      minSeverity,
    }: {
      runId: string;
      destination: AlertDestination;
      minSeverity: Severity;
    }): Promise<{ items: number }> {
      if (!deps.alerts) return { items: 0 };
      // Not whole reports: at 10,000 accounts two of them would not fit a worker's heap. The drift is
      // computed in SQL and only the findings an alert can name are kept from the streamed runs.
      const run = await store.getRun(runId);
      const before = await store.previousCompletedRun(runId);
      if (!run?.organizationId || !before) return { items: 0 }; // the first run of a scope is the baseline
      const drift = await store.drift(runId, before.runId);
      const relevant = alertRelevant(drift);
      const findings: Finding[] = [];
      for await (const f of store.iterateFindings(runId)) if (relevant(f)) findings.push(f);
      const previous: Finding[] = [];
      for await (const f of store.iterateFindings(before.runId))
        if (f.checkId === TAMPER_CHECK) previous.push(f);
      const alert = buildAlert(
        {
          runId,
          organization: { id: run.organizationId, managementAccountId: run.managementAccountId ?? '' },
          drift,
          findings,
        },
        { findings: previous },
        minSeverity,
      );
      if (alert.items.length === 0) return { items: 0 };
      await deps.alerts.deliver(destination, alert);
      return { items: alert.items.length };
    },
  };
}

async function findInventoryAccount(
  store: Store,
  runId: string,
  accountId: string,
): Promise<InventoryAccount | undefined> {
  for (let offset = 0; ; offset += 500) {
    const page = await store.inventoryPage(runId, offset, 500);
    const hit = page.find((a) => a.accountId === accountId);
    if (hit || page.length < 500) return hit;
  }
}

export type Activities = ReturnType<typeof createActivities>;
