import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { catalog } from '../checks/registry.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { TrailwardenConfig } from '../config/schema.js';

/** Exit codes: 0 fine, 1 error, 2 findings at or above --fail-on. */
export const EXIT = { OK: 0, ERROR: 1, FINDINGS: 2, INTERRUPTED: 130 } as const;

/** A failure the CLI reports as one clean message (no stack trace) and exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.ERROR,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface GlobalOptions {
  dataDir: string;
  logLevel: string;
}

/** The data directory (embedded store and Temporal database), created on first use. */
export function dataDir(opts: GlobalOptions): string {
  const dir = resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Structured logs go to stderr so stdout stays for reports and summaries. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'trailwarden' } }, pino.destination(2));
}

/** Loads and validates the configuration; an invalid file becomes a CliError listing every problem. */
export async function loadConfigOrFail(path: string | undefined): Promise<TrailwardenConfig> {
  try {
    return await loadConfig(path, catalog.ids());
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}
