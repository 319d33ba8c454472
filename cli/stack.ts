import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { AlertSender } from '../activities/alerts.js';
import type { AwsEnvironment } from '../aws/clients.js';
import type { TrailwardenConfig } from '../config/schema.js';
import type { DevServer } from '../lib/dev-server.js';
import type { Store } from '../store/types.js';

// The worker side (Temporal's native worker, the AWS SDK, the store, the dev server launcher) is loaded
// only by commands that run it: `schedule list` against a cluster needs none of it.
const load = {
  aws: () => import('../aws/clients.js'),
  devServer: () => import('../lib/dev-server.js'),
  store: () => import('../store/index.js'),
  temporalWorker: () => import('@temporalio/worker'),
  worker: () => import('../worker/index.js'),
};

/** Everything a command needs to talk to Temporal and the store, and what it started itself. */
export interface Stack {
  client: Client;
  namespace: string;
  taskQueue: string;
  /** True when this process started the embedded dev server (and so a worker must run here too). */
  embedded: boolean;
  devServer?: DevServer;
  worker?: Worker;
  aws?: AwsEnvironment;
  /** Opened on first use: commands that only talk to Temporal do not lock the embedded database. */
  store(): Promise<Store>;
  close(): Promise<void>;
}

export interface StackOptions {
  config: TrailwardenConfig;
  dataDir: string;
  logger: Logger;
  /**
   * Run a worker in this process. Default: only with the embedded dev server (nothing else could run
   * the work). Commands that only talk to Temporal (schedules) pass false.
   */
  worker?: boolean;
  /** Alert delivery for the in-process worker. */
  alerts?: (store: Store, aws: AwsEnvironment) => AlertSender | undefined;
  /** Serve the Temporal Web UI of the embedded server on this port. */
  uiPort?: number;
  /** Level of the Temporal SDK's own logs (worker, activity and workflow failures); default the logger's. */
  sdkLogLevel?: string;
}

/**
 * Temporal connection settings following Temporal's own conventions (@temporalio/envconfig: the TOML
 * profile and TEMPORAL_* variables, including TLS and API key), with the config file's address and
 * namespace applied when the environment does not set them. No address anywhere means "embedded".
 */
export function temporalConnection(config: TrailwardenConfig) {
  const profile = loadClientConnectConfig(
    config.temporal.profile ? { profile: config.temporal.profile } : {},
  );
  const address =
    process.env.TEMPORAL_ADDRESS ?? config.temporal.address ?? profile.connectionOptions.address;
  const namespace =
    process.env.TEMPORAL_NAMESPACE ?? config.temporal.namespace ?? profile.namespace ?? 'default';
  return { address, namespace, options: { ...profile.connectionOptions, ...(address ? { address } : {}) } };
}

/** The Temporal Runtime's log level for a pino level (pino filters again, so silent stays silent). */
function runtimeLevel(level: string): 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' {
  if (level === 'trace') return 'TRACE';
  if (level === 'debug') return 'DEBUG';
  if (level === 'info') return 'INFO';
  if (level === 'warn') return 'WARN';
  return 'ERROR';
}

/**
 * Connects to the configured Temporal cluster, or starts the embedded dev server (state in
 * `<dataDir>/temporal.db`) and an in-process worker when no address is configured.
 */
export async function openStack(opts: StackOptions): Promise<Stack> {
  const { config, logger } = opts;
  const conn = temporalConnection(config);
  const embedded = !conn.address;
  const runWorker = opts.worker ?? embedded;
  // Before any connection exists: the first connection installs a default Runtime that logs at INFO.
  // The SDK's worker lifecycle lines are INFO: shown with --log-level info, kept out of the way by default.
  if (embedded || runWorker)
    (await load.worker()).installRuntimeLogging(logger, runtimeLevel(opts.sdkLogLevel ?? logger.level));
  const cleanups: (() => Promise<void> | void)[] = [];
  let storePromise: Promise<Store> | undefined;
  const store = () => {
    storePromise ??= load.store().then(({ openStore }) =>
      openStore({
        ...(config.store.url ? { url: config.store.url } : {}),
        dataDir: opts.dataDir,
      }),
    );
    return storePromise;
  };
  const close = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        logger.warn({ err }, 'while shutting down');
      }
    }
    if (storePromise) await (await storePromise).close();
  };
  try {
    let client: Client;
    let devServer: DevServer | undefined;
    let nativeConnection: NativeConnection | undefined;
    if (embedded) {
      logger.info({ db: join(opts.dataDir, 'temporal.db') }, 'starting the embedded Temporal dev server');
      const { startDevServer } = await load.devServer();
      devServer = await startDevServer({
        dbFile: join(opts.dataDir, 'temporal.db'),
        ...(opts.uiPort ? { uiPort: opts.uiPort } : {}),
      });
      cleanups.push(() => devServer?.stop());
      client = devServer.client;
      nativeConnection = devServer.nativeConnection;
    } else {
      const connection = await Connection.connect(conn.options);
      cleanups.push(() => connection.close());
      client = new Client({ connection, namespace: conn.namespace });
    }
    const stack: Stack = {
      client,
      namespace: embedded ? 'default' : conn.namespace,
      taskQueue: config.temporal.taskQueue,
      embedded,
      ...(devServer ? { devServer } : {}),
      store,
      close,
    };
    if (runWorker) {
      const [{ NativeConnection }, { AwsEnvironment }, { createAuditWorker }] = await Promise.all([
        load.temporalWorker(),
        load.aws(),
        load.worker(),
      ]);
      nativeConnection ??= await NativeConnection.connect(conn.options);
      const nc = nativeConnection;
      if (!embedded) cleanups.push(() => nc.close());
      const aws = new AwsEnvironment({
        maxInFlightCalls: config.worker.maxInFlightCalls,
        homeRegion: config.audit.homeRegion,
      });
      cleanups.push(() => aws.close());
      const s = await store();
      const alerts = opts.alerts?.(s, aws);
      const worker = await createAuditWorker({
        connection: nc,
        namespace: stack.namespace,
        taskQueue: stack.taskQueue,
        store: s,
        aws,
        ...(alerts ? { alerts } : {}),
        maxConcurrentActivities: config.worker.maxConcurrentActivities,
      });
      const running = worker.run();
      // Stop the worker before the connection and the server it polls.
      cleanups.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      });
      stack.worker = worker;
      stack.aws = aws;
    }
    return stack;
  } catch (err) {
    await close();
    throw err;
  }
}
