import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  ACCOUNT_MAX_ATTEMPTS,
  type AccountOutcome,
  type AuditSettings,
  type FindingCounts,
  type RunStart,
} from '../activities/types.js';
import type { Severity } from '../checks/types.js';

/**
 * One audit run: discover the organization, read organization-wide facts, then audit every in-scope
 * account with one activity per account (its regions are read inside it), and finish.
 *
 * Scale design (10,000 accounts × 30 regions within Temporal's limits): the workflow keeps a sliding
 * window of at most `maxConcurrentAccounts` account activities pending (far under the 2,000 pending
 * activity limit) and carries only counters. Accounts are addressed by their position in the run's
 * inventory, which discovery wrote to the store, so activity inputs are ~60 bytes and no payload grows
 * with the organization. An account costs about 5 history events (scheduled, started, completed, plus
 * its share of workflow tasks); after `accountsPerRun` accounts, or when the server suggests it, the
 * workflow drains its window and continues as new with its counters, so one run's history stays in the
 * low thousands of events whatever the organization's size. Child workflows would add two workflow
 * executions and more actions per batch without buying anything this design lacks.
 */

export interface AuditRunInput {
  settings: AuditSettings;
  /** Accounts started per workflow execution before continuing as new. */
  accountsPerRun?: number;
  /**
   * How long a silent account activity is given before it is retried elsewhere (default 2 minutes).
   * Shorter means faster recovery from a dead worker, at the price of more heartbeats.
   */
  heartbeatTimeout?: string;
  /** Set when continuing as new. */
  state?: AuditState;
}

export interface AuditState {
  start: RunStart;
  /** Position of the next account to start. */
  next: number;
  accountsDone: number;
  accountsNotAssessed: number;
  regions: { assessed: number; disabled: number; error: number };
  findings: FindingCounts;
  startedAt: string;
  continuedAsNew: number;
}

export type AuditPhase =
  | 'discovering'
  | 'organization'
  | 'accounts'
  | 'finishing'
  | 'completed'
  | 'cancelled'
  | 'failed';

export interface AuditProgress {
  runId: string;
  phase: AuditPhase;
  accountsTotal: number;
  accountsDone: number;
  /** Accounts that could not be entered or read (NOT_ASSESSED). */
  accountsFailed: number;
  regionsDone: number;
  regionsError: number;
  findings: FindingCounts;
  startedAt: string;
  continuedAsNew: number;
}

export interface AuditRunResult {
  runId: string;
  status: 'COMPLETED';
  organizationId: string;
  accounts: { total: number; assessed: number; notAssessed: number; excluded: number };
  regions: { assessed: number; disabled: number; error: number };
  findings: FindingCounts;
  score: number;
  coverage: { accountRegions: number; covered: number; ratio: number };
  continuedAsNew: number;
}

export const progressQuery = defineQuery<AuditProgress>('progress');

const DEFAULT_ACCOUNTS_PER_RUN = 2000;

const discovery = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
  },
});

/** Account activities; the heartbeat timeout is the run's own choice (see AuditRunInput). */
function accountActivities(heartbeatTimeout: string) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '1 hour',
    heartbeatTimeout,
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: ACCOUNT_MAX_ATTEMPTS,
    },
  });
}

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 20,
  },
});

function add(a: FindingCounts, b: FindingCounts): FindingCounts {
  return {
    PASS: a.PASS + b.PASS,
    FAIL: a.FAIL + b.FAIL,
    WAIVED: a.WAIVED + b.WAIVED,
    ERROR: a.ERROR + b.ERROR,
  };
}

/** Short, credential-free description of why an activity finally failed. */
function failureOf(err: unknown): { code: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure)
    return { code: cause.type ?? 'ActivityFailed', message: cause.message };
  const e = cause as { name?: string; message?: string } | undefined;
  return { code: e?.name ?? 'ActivityFailed', message: e?.message ?? String(cause) };
}

/** The audit workflow (see the design note at the top of this file). */
export async function auditRun(input: AuditRunInput): Promise<AuditRunResult> {
  const runId = workflowInfo().workflowId;
  let phase: AuditPhase = input.state ? 'accounts' : 'discovering';
  let state: AuditState | undefined = input.state;
  let failureRecorded = false;

  setHandler(progressQuery, () => ({
    runId,
    phase,
    accountsTotal: state?.start.accountsInScope ?? 0,
    accountsDone: state?.accountsDone ?? 0,
    accountsFailed: state?.accountsNotAssessed ?? 0,
    regionsDone: (state?.regions.assessed ?? 0) + (state?.regions.error ?? 0),
    regionsError: state?.regions.error ?? 0,
    findings: state?.findings ?? { PASS: 0, FAIL: 0, WAIVED: 0, ERROR: 0 },
    startedAt: state?.startedAt ?? new Date(workflowInfo().startTime).toISOString(),
    continuedAsNew: state?.continuedAsNew ?? 0,
  }));

  try {
    if (!state) {
      let start: RunStart;
      try {
        start = await discovery.startRun({ runId, settings: input.settings });
      } catch (err) {
        if (isCancellation(err)) throw err;
        phase = 'failed';
        const failure = failureOf(err);
        await bookkeeping.failRun({
          runId,
          settings: input.settings,
          error: `${failure.code}: ${failure.message}`,
        });
        failureRecorded = true;
        throw ApplicationFailure.nonRetryable(
          `audit run ${runId} failed during discovery: ${failure.message}`,
          failure.code,
        );
      }
      state = {
        start,
        next: 0,
        accountsDone: 0,
        accountsNotAssessed: 0,
        regions: { assessed: 0, disabled: 0, error: 0 },
        findings: { PASS: 0, FAIL: 0, WAIVED: 0, ERROR: 0 },
        startedAt: new Date(workflowInfo().startTime).toISOString(),
        continuedAsNew: 0,
      };
      phase = 'organization';
      const org = await discovery.auditOrganization({ runId });
      state.findings = add(state.findings, org.findings);
    }

    phase = 'accounts';
    const s = state;
    const total = s.start.accountsInScope;
    const window = Math.max(1, Math.min(input.settings.audit.maxConcurrentAccounts, 1000));
    const perRun = input.accountsPerRun ?? DEFAULT_ACCOUNTS_PER_RUN;
    const accounts = accountActivities(input.heartbeatTimeout ?? '2 minutes');
    const firstOfRun = s.next;
    const shouldContinueAsNew = () => s.next - firstOfRun >= perRun || workflowInfo().continueAsNewSuggested;

    const record = (o: AccountOutcome) => {
      s.accountsDone++;
      if (o.status === 'NOT_ASSESSED') s.accountsNotAssessed++;
      s.regions.assessed += o.regions.assessed;
      s.regions.disabled += o.regions.disabled;
      s.regions.error += o.regions.error;
      s.findings = add(s.findings, o.findings);
    };
    const auditOne = async (index: number) => {
      try {
        record(await accounts.auditAccount({ runId, index }));
      } catch (err) {
        if (isCancellation(err)) throw err;
        // Retries are exhausted: the account is reported as not assessed, never dropped.
        const failure = failureOf(err);
        log.warn('account audit failed after retries', { runId, index, code: failure.code });
        record(await bookkeeping.recordAccountFailure({ runId, index, error: failure }));
      }
    };

    const pending = new Set<Promise<void>>();
    while (s.next < total && !shouldContinueAsNew()) {
      while (pending.size < window && s.next < total && !shouldContinueAsNew()) {
        const p: Promise<void> = auditOne(s.next++).finally(() => pending.delete(p));
        pending.add(p);
      }
      await Promise.race(pending);
    }
    await Promise.all(pending);
    if (s.next < total) {
      await continueAsNew<typeof auditRun>({
        ...input,
        state: { ...s, continuedAsNew: s.continuedAsNew + 1 },
      });
    }

    phase = 'finishing';
    const summary = await bookkeeping.finishRun({ runId, status: 'COMPLETED' });
    // Alerts are delivered by their own workflow, which outlives this one: a receiver that is down for
    // hours delays neither the run's result nor the next scheduled run, and still gets the alert.
    await startChild(deliverAlerts, {
      workflowId: `${runId}-alerts`,
      args: [{ runId, minSeverity: input.settings.alerts.minSeverity }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    phase = 'completed';
    return {
      runId,
      status: 'COMPLETED',
      organizationId: s.start.organizationId,
      accounts: {
        total,
        assessed: s.accountsDone - s.accountsNotAssessed,
        notAssessed: s.accountsNotAssessed,
        excluded: s.start.accountsExcluded,
      },
      regions: s.regions,
      findings: summary.byStatus,
      score: summary.score,
      coverage: summary.coverage,
      continuedAsNew: s.continuedAsNew,
    };
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (isCancellation(err)) {
      phase = 'cancelled';
      // Record what was done; the account activities still running are being cancelled with us.
      await CancellationScope.nonCancellable(() => bookkeeping.finishRun({ runId, status: 'CANCELLED' }));
    } else if (!failureRecorded) {
      phase = 'failed';
      const failure = failureOf(err);
      await CancellationScope.nonCancellable(() =>
        bookkeeping.finishRun({ runId, status: 'FAILED', error: `${failure.code}: ${failure.message}` }),
      );
    }
    throw err;
  }
}

const alerting = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // At least once: keep trying (backing off to every 10 minutes) until the destination accepts it. No
  // maximumAttempts means unlimited; the SDK refuses 0 and then fails every workflow task of the child.
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
  },
});

/** Delivers a finished run's drift alerts to every destination the workers are configured with. */
export async function deliverAlerts(input: {
  runId: string;
  minSeverity: Severity;
}): Promise<{ destinations: number; items: number }> {
  const destinations = await bookkeeping.alertDestinations();
  const sent = await Promise.all(
    destinations.map((destination) =>
      alerting.deliverAlert({ runId: input.runId, destination, minSeverity: input.minSeverity }),
    ),
  );
  return { destinations: destinations.length, items: sent.reduce((n, s) => Math.max(n, s.items), 0) };
}
