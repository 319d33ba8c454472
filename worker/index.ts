import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type LogLevel,
  type NativeConnection,
  Runtime,
  Worker,
} from '@temporalio/worker';
import type { Logger } from 'pino';
import { type ActivityDeps, createActivities } from '../activities/index.js';

/** The workflow entry point next to this module: sources under vitest, compiled JS under dist/. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

/** Where the build step writes the workflow bundle (next to the compiled workflows). */
export const PREBUILT_BUNDLE = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

let bundle: Promise<{ code: string } | { codePath: string }> | undefined;

/**
 * The workflow bundle: the one the build wrote (compiled code only; sources under vitest are bundled
 * here, once per process, so tests always run what they see).
 */
export function workflowBundle(): Promise<{ code: string } | { codePath: string }> {
  if (!bundle) {
    const compiled = !workflowsPath().endsWith('.ts');
    bundle =
      compiled && existsSync(PREBUILT_BUNDLE)
        ? Promise.resolve({ codePath: PREBUILT_BUNDLE })
        : bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('WARN') });
  }
  return bundle;
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's logs (worker, workflows through the sink, activities) into pino. Once per
 * process: the Runtime can only be installed once, so later calls are ignored.
 */
export function installRuntimeLogging(logger: Logger, level: LogLevel = 'INFO'): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        // pino serializes errors under `err` only; the SDK's `error` would be logged as {}.
        const { sdkComponent, error, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
        logger[PINO_LEVEL[entry.level]](
          { component: sdkComponent, ...meta, ...(error !== undefined ? { err: error } : {}) },
          entry.message,
        );
      }),
    });
  } catch {
    // Already installed (tests start several workers in one process).
  }
}

export interface AuditWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  /** Account activities this worker runs at once. */
  maxConcurrentActivities: number;
}

/** A worker serving the audit workflows and activities on a task queue. Many can share one queue. */
export async function createAuditWorker(opts: AuditWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(opts),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: 20,
  });
}
