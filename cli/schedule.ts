import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { msToNumber } from '@temporalio/common';
import { auditSettingsOf } from '../activities/types.js';
import type { TrailwardenConfig } from '../config/schema.js';
import { auditRun } from '../workflows/audit.js';
import { CliError } from './common.js';
import type { Stack } from './stack.js';

export interface ScheduleCreateOptions {
  cron?: string;
  every?: string;
  catchupWindow?: string;
  note?: string;
  paused?: boolean;
}

function duration(flag: string, value: string): number {
  let ms: number;
  try {
    ms = msToNumber(value as `${number}${string}`);
  } catch {
    ms = Number.NaN;
  }
  if (!Number.isFinite(ms) || ms <= 0)
    throw new CliError(`${flag}: expected a duration like 30m, 6h or 1d, got "${value}"`);
  return ms;
}

/**
 * Checks the options of `schedule create` before anything is started or connected, so a typo costs no
 * server start-up and gets a one-line message instead of a stack trace.
 */
export function validateScheduleOptions(opts: ScheduleCreateOptions): void {
  if (!opts.cron === !opts.every)
    throw new CliError('schedule create: give exactly one of --cron "0 6 * * *" or --every 6h');
  if (opts.every) duration('--every', opts.every);
  if (opts.catchupWindow) duration('--catchup-window', opts.catchupWindow);
  if (opts.cron) {
    const fields = opts.cron.trim().split(/\s+/);
    if (!opts.cron.trim().startsWith('@') && (fields.length < 5 || fields.length > 7))
      throw new CliError(
        `--cron: expected 5 fields (minute hour day-of-month month day-of-week), got "${opts.cron}"`,
      );
  }
}

/**
 * Creates a Temporal Schedule that starts an audit run periodically. The validated audit settings are
 * embedded in the schedule's action; overlapping runs are skipped; missed runs within the catch-up
 * window are started once the cluster is back.
 */
export async function createSchedule(
  stack: Stack,
  config: TrailwardenConfig,
  id: string,
  opts: ScheduleCreateOptions,
) {
  validateScheduleOptions(opts);
  const create = stack.client.schedule.create({
    scheduleId: id,
    spec: opts.cron
      ? { cronExpressions: [opts.cron] }
      : { intervals: [{ every: opts.every as `${number}${string}` }] },
    action: {
      type: 'startWorkflow',
      workflowType: auditRun,
      taskQueue: stack.taskQueue,
      // Temporal appends the scheduled time, so every run gets its own id.
      workflowId: `scheduled-${id}`,
      args: [{ settings: auditSettingsOf(config) }],
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: (opts.catchupWindow ?? '1 hour') as `${number}${string}`,
    },
    state: { paused: opts.paused === true, ...(opts.note ? { note: opts.note } : {}) },
    // The server keeps cron compiled into calendars; keep the user's own words for `describe`.
    memo: {
      trailwarden: {
        ...(opts.cron ? { cron: opts.cron } : { every: opts.every }),
        catchupWindow: opts.catchupWindow ?? '1 hour',
      },
    },
  });
  try {
    return await create;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning)
      throw new CliError(
        `a schedule with id "${id}" already exists (see \`trailwarden schedule describe ${id}\`)`,
      );
    // The server refuses a cron expression it cannot parse as INVALID_ARGUMENT, which the client raises
    // as a TypeError.
    if (err instanceof TypeError && opts.cron) throw new CliError(`--cron "${opts.cron}": ${err.message}`);
    throw err;
  }
}

/** One schedule, in words: spec, state, next and recent runs. */
export async function describeSchedule(stack: Stack, id: string): Promise<Record<string, unknown>> {
  try {
    const d = await stack.client.schedule.getHandle(id).describe();
    const typed = d.memo?.trailwarden as
      | { cron?: string | null; every?: string | null; catchupWindow?: string }
      | undefined;
    return {
      id: d.scheduleId,
      paused: d.state.paused,
      note: d.state.note || null,
      spec: typed
        ? { ...(typed.cron ? { cron: typed.cron } : {}), ...(typed.every ? { every: typed.every } : {}) }
        : {
            calendars: d.spec.calendars ?? [],
            intervalsMs: (d.spec.intervals ?? []).map((i) => i.every),
          },
      overlap: d.policies.overlap,
      catchupWindow: typed?.catchupWindow ?? `${d.policies.catchupWindow}ms`,
      nextRuns: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
      recentRuns: d.info.recentActions.map((a) => ({
        scheduledAt: a.scheduledAt.toISOString(),
        runId: a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : null,
      })),
      runningRuns: d.info.runningActions.map((a) => a.workflow.workflowId),
      totalRuns: d.info.numActionsTaken,
      skippedOverlaps: d.info.numActionsSkippedOverlap,
    };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new CliError(`no schedule with id "${id}"`);
    throw err;
  }
}

/** Runs an operation on an existing schedule, turning "not found" into a clear error. */
export async function onSchedule<T>(
  stack: Stack,
  id: string,
  op: (h: ReturnType<Stack['client']['schedule']['getHandle']>) => Promise<T>,
): Promise<T> {
  try {
    return await op(stack.client.schedule.getHandle(id));
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new CliError(`no schedule with id "${id}"`);
    throw err;
  }
}
