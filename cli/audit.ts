import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { auditSettingsOf } from '../activities/types.js';
import { SEVERITIES, type Severity } from '../checks/types.js';
import type { TrailwardenConfig } from '../config/schema.js';
import { renderReport } from '../report/index.js';
import type { Report } from '../report/model.js';
import {
  type AuditProgress,
  type AuditRunResult,
  auditRun,
  type deliverAlerts,
  progressQuery,
} from '../workflows/audit.js';
import { CliError, EXIT } from './common.js';
import { type ProgressSink, progressSink } from './progress.js';
import type { Stack } from './stack.js';

/** The report files `audit` can write, one option each. */
export const OUTPUT_FORMATS = ['json', 'html', 'md', 'csv', 'ocsf', 'asff'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type AuditOutputs = Partial<Record<OutputFormat, string>>;

/** A run id users can type: audit-<UTC time>-<random>. */
export function newRunId(now = new Date()): string {
  const t = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `audit-${t}-${randomBytes(3).toString('hex')}`;
}

/** Starts an audit run on the stack's task queue. */
export async function startAudit(stack: Stack, config: TrailwardenConfig, runId = newRunId()) {
  return stack.client.workflow.start(auditRun, {
    taskQueue: stack.taskQueue,
    workflowId: runId,
    args: [{ settings: auditSettingsOf(config) }],
  });
}

/**
 * Follows a run to its end, feeding the progress sink. Ctrl-C cancels the run (it stops cleanly and is
 * marked CANCELLED with what was done); the promise then resolves with 'cancelled'.
 */
export async function followRun(
  handle: WorkflowHandle<typeof auditRun>,
  sink: ProgressSink,
  opts: { pollMs?: number; onInterrupt?: boolean } = {},
): Promise<AuditRunResult | 'cancelled'> {
  let stop = false;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.INTERRUPTED);
    interrupted = true;
    process.stderr.write('\ncancelling the audit run (Ctrl-C again to quit at once)…\n');
    void handle.cancel();
  };
  if (opts.onInterrupt !== false) process.on('SIGINT', onSigint);
  const result = handle.result();
  const poll = (async () => {
    while (!stop) {
      try {
        sink.update(await handle.query(progressQuery));
      } catch {
        // The workflow may be between executions (continue-as-new) or not started yet.
      }
      await Promise.race([
        result.catch(() => undefined),
        new Promise((r) => setTimeout(r, opts.pollMs ?? 500)),
      ]);
    }
  })();
  try {
    const r = await result;
    stop = true;
    await poll;
    sink.update(await handle.query(progressQuery).catch(() => finalProgress(r)));
    return r;
  } catch (err) {
    stop = true;
    await poll;
    if (err instanceof WorkflowFailedError && (interrupted || err.cause?.name === 'CancelledFailure'))
      return 'cancelled';
    if (err instanceof WorkflowFailedError) {
      const why = err.cause?.message ?? err.message;
      // The workflow's own message usually names the run already ("audit run X failed during …").
      throw new CliError(
        why.startsWith(`audit run ${handle.workflowId} `)
          ? why
          : `audit run ${handle.workflowId} failed: ${why}`,
      );
    }
    throw err;
  } finally {
    sink.done();
    process.off('SIGINT', onSigint);
  }
}

function finalProgress(r: AuditRunResult): AuditProgress {
  return {
    runId: r.runId,
    phase: 'completed',
    accountsTotal: r.accounts.total,
    accountsDone: r.accounts.assessed + r.accounts.notAssessed,
    accountsFailed: r.accounts.notAssessed,
    regionsDone: r.regions.assessed + r.regions.error,
    regionsError: r.regions.error,
    findings: r.findings,
    startedAt: new Date().toISOString(),
    continuedAsNew: r.continuedAsNew,
  };
}

/** Writes each requested report file (creating directories) and returns what was written. */
export async function writeOutputs(
  report: Report,
  outputs: AuditOutputs,
): Promise<{ format: OutputFormat; path: string }[]> {
  const written: { format: OutputFormat; path: string }[] = [];
  for (const format of OUTPUT_FORMATS) {
    const path = outputs[format];
    if (!path) continue;
    const abs = resolve(path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, renderReport(report, format));
    written.push({ format, path: abs });
  }
  return written;
}

/**
 * Waits up to `timeoutMs` for a run's alert delivery (the `<runId>-alerts` workflow). With the embedded
 * server the delivery stops with this process, so the CLI gives it a moment before it shuts down; what is
 * not delivered by then resumes the next time a command starts a worker on the same data dir.
 */
export async function awaitAlerts(
  stack: Stack,
  runId: string,
  timeoutMs: number,
): Promise<{ items: number } | 'pending'> {
  const handle = stack.client.workflow.getHandle<typeof deliverAlerts>(`${runId}-alerts`);
  // Abort the long poll itself: a poll left behind would retry on a closed connection and crash.
  const abort = AbortSignal.timeout(timeoutMs);
  try {
    const r = await stack.client.withAbortSignal(abort, () => handle.result());
    return { items: r.items };
  } catch (err) {
    if (abort.aborted) return 'pending';
    throw err;
  }
}

/** Exit code for --fail-on: 2 when a FAIL at or above that severity exists. */
export function exitCodeFor(report: Report, failOn: Severity | undefined): number {
  if (!failOn) return EXIT.OK;
  const limit = SEVERITIES.indexOf(failOn);
  const hit = report.findings.some((f) => f.status === 'FAIL' && SEVERITIES.indexOf(f.severity) <= limit);
  return hit ? EXIT.FINDINGS : EXIT.OK;
}

/** Parses --fail-on. */
export function parseSeverity(v: string): Severity {
  if ((SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  throw new CliError(`--fail-on: expected one of ${SEVERITIES.join(', ')}, got "${v}"`);
}

export { progressSink };
