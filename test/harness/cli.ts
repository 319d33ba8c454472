import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATOR_CREDENTIALS } from '../../emulator/index.js';
import { packageRoot } from '../../lib/binaries.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Node.js script (the built CLI, the benchmark) to its end, collecting its output. */
export function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The built CLI (`npm run setup` builds it; tests of the real command line run it as users do). */
export const CLI = join(packageRoot, 'dist', 'cli', 'main.js');

export function requireBuiltCli(): string {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`npm run setup\` (or \`npm run build\`) first`);
  return CLI;
}

/** Environment for a CLI subprocess that talks to the emulator (and, if given, a Temporal server and store). */
export function cliEnv(opts: {
  awsEndpoint: string;
  temporalAddress?: string;
  storeUrl?: string;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: opts.awsEndpoint,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  if (opts.temporalAddress) env.TEMPORAL_ADDRESS = opts.temporalAddress;
  if (opts.storeUrl) env.TRAILWARDEN_STORE_URL = opts.storeUrl;
  return env;
}

/** A `trailwarden worker` process; resolves once it logs that it is running. */
export async function startCliWorker(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [requireBuiltCli(), '--log-level', 'info', 'worker', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('worker running')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`worker exited with ${code} before it was running:\n${out}`)),
    );
  });
  return { child, output: () => out };
}
