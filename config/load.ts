import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type TrailwardenConfig } from './schema.js';

/** One problem in a configuration file: where (a dotted path) and what was expected. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** An invalid configuration: every issue, so the user can fix them all at once. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    super(`${source}: invalid configuration\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = pathOf(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: pathOf([...issue.path, k]), message: 'unknown key' }));
    case 'invalid_type':
      return [
        {
          path,
          message:
            issue.input === undefined
              ? `required (expected ${expectedName(issue.expected)})`
              : `expected ${expectedName(issue.expected)}, got ${typeName(issue.input)}`,
        },
      ];
    case 'invalid_union':
      // For `regions: enabled | [..]`, zod reports each branch: say what would be accepted instead.
      return [{ path, message: 'expected "enabled" or a list of region names' }];
    case 'invalid_value':
      return [{ path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    case 'too_small':
      return [{ path, message: issue.message.replace(/^Too small: /, '') }];
    case 'too_big':
      return [{ path, message: issue.message.replace(/^Too big: /, '') }];
    default:
      return [{ path, message: issue.message }];
  }
}

/** zod's type names in the words of a YAML file. */
function expectedName(expected: string): string {
  if (expected === 'object') return 'a mapping';
  if (expected === 'array') return 'a list';
  return `a ${expected}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a mapping';
  const shown = JSON.stringify(v) ?? String(v);
  return `${typeof v} ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`;
}

/**
 * Parses and validates a configuration document (YAML or JSON). Throws a ConfigError listing every
 * problem with its path; returns the configuration with defaults filled in.
 */
export function parseConfig(text: string, source: string, checkIds: readonly string[]): TrailwardenConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({
        path: e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(yaml)',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const raw = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [
      { path: '(top level)', message: 'expected a mapping of sections (organization, scope, audit, ...)' },
    ]);
  }
  // reportInput: tell "missing" from "wrong type" (zod leaves `input` out of issues otherwise).
  const parsed = configSchema(checkIds).safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.flatMap(describeIssue));
  return parsed.data;
}

/** Defaults for every field (what runs when no file is given). */
export function defaultConfig(checkIds: readonly string[]): TrailwardenConfig {
  return parseConfig('{}', 'defaults', checkIds);
}

/**
 * Reads the configuration file (defaults when `path` is undefined) and applies the environment, which
 * overrides connection settings only: TRAILWARDEN_STORE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TRAILWARDEN_TASK_QUEUE. (TLS and API keys come from Temporal's own envconfig conventions.)
 */
export async function loadConfig(
  path: string | undefined,
  checkIds: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<TrailwardenConfig> {
  let cfg: TrailwardenConfig;
  if (path === undefined) cfg = defaultConfig(checkIds);
  else {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new ConfigError(path, [
        { path: '(file)', message: `cannot read the file: ${(err as Error).message}` },
      ]);
    }
    cfg = parseConfig(text, path, checkIds);
  }
  return applyEnvironment(cfg, env);
}

/**
 * Connection settings from the environment win over the file. A store URL from the environment is held
 * to the file's rule, so a typo there is a configuration error rather than a failure at first use.
 */
export function applyEnvironment(cfg: TrailwardenConfig, env: NodeJS.ProcessEnv): TrailwardenConfig {
  const out: TrailwardenConfig = { ...cfg, store: { ...cfg.store }, temporal: { ...cfg.temporal } };
  if (env.TRAILWARDEN_STORE_URL && !/^postgres(ql)?:\/\//.test(env.TRAILWARDEN_STORE_URL)) {
    throw new ConfigError('environment', [
      { path: 'TRAILWARDEN_STORE_URL', message: 'expected a postgres:// URL' },
    ]);
  }
  if (env.TRAILWARDEN_STORE_URL) out.store.url = env.TRAILWARDEN_STORE_URL;
  if (env.TEMPORAL_ADDRESS) out.temporal.address = env.TEMPORAL_ADDRESS;
  if (env.TEMPORAL_NAMESPACE) out.temporal.namespace = env.TEMPORAL_NAMESPACE;
  if (env.TRAILWARDEN_TASK_QUEUE) out.temporal.taskQueue = env.TRAILWARDEN_TASK_QUEUE;
  if (env.TEMPORAL_PROFILE) out.temporal.profile = env.TEMPORAL_PROFILE;
  return out;
}
