import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** Children still running: killed when this process exits, so no server outlives its parent. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** A child process started by trailwarden, with the tail of its output kept for error messages. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Last lines the process wrote (stdout and stderr), for diagnostics. */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns a program and resolves once a line of its output matches `ready`, returning the match. Rejects
 * with the program's last output if it exits first or `timeoutMs` passes.
 */
export async function spawnUntilReady(
  command: string,
  args: string[],
  ready: RegExp,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; name?: string } = {},
): Promise<{ proc: ManagedProcess; match: RegExpMatchArray }> {
  const name = opts.name ?? command;
  const child = spawn(command, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  let exited = false;
  live.add(child);
  child.once('exit', () => {
    exited = true;
    live.delete(child);
  });
  const proc: ManagedProcess = {
    child,
    output: () => tail.join(''),
    async stop(graceMs = 5000) {
      if (exited || child.exitCode !== null || child.signalCode !== null) return;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
  const match = await new Promise<RegExpMatchArray>((resolveReady, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      cleanup();
      void proc.stop(1000);
      reject(
        new Error(`${name} did not become ready within ${opts.timeoutMs ?? 60_000} ms:\n${proc.output()}`),
      );
    }, opts.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail.push(text);
      if (tail.length > 50) tail.shift();
      buffered += text;
      const m = buffered.match(ready);
      if (m) {
        cleanup();
        resolveReady(m);
      } else if (buffered.length > 64_000) {
        buffered = buffered.slice(-8000);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(
        new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready:\n${proc.output()}`),
      );
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new Error(`${name} could not be started: ${err.message}`, { cause: err }));
    };
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining so the child never blocks on a full pipe; keep a short tail for diagnostics.
      const keep = (c: Buffer) => {
        tail.push(c.toString('utf8'));
        if (tail.length > 50) tail.shift();
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  return { proc, match };
}
