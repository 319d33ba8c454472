import type { AuditProgress } from '../workflows/audit.js';

/** Where progress goes: a live bar on a terminal, plain lines (one per change, at most every few seconds) otherwise. */
export interface ProgressSink {
  update(p: AuditProgress): void;
  done(): void;
}

function elapsed(startedAt: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(startedAt)) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One status line, e.g. `accounts 12/40 · 2 not assessed · regions 36 (1 error) · 12s`. */
export function progressLine(p: AuditProgress, now = Date.now()): string {
  const phase = p.phase === 'accounts' ? '' : `${p.phase} · `;
  const failed = p.accountsFailed ? ` · ${p.accountsFailed} not assessed` : '';
  const regionErrors = p.regionsError ? ` (${p.regionsError} error)` : '';
  const findings = p.findings.PASS + p.findings.FAIL + p.findings.WAIVED + p.findings.ERROR;
  return `${phase}accounts ${p.accountsDone}/${p.accountsTotal}${failed} · regions ${p.regionsDone}${regionErrors} · findings ${findings} · ${elapsed(p.startedAt, now)}`;
}

/** A progress bar of `width` cells. */
export function bar(done: number, total: number, width = 24): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(ratio * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

/** Progress on stderr: redrawn in place on a TTY, otherwise a plain line whenever the counts change. */
export function progressSink(
  stream: NodeJS.WriteStream = process.stderr,
  minIntervalMs = 2000,
): ProgressSink {
  const tty = stream.isTTY === true;
  let lastText = '';
  let lastAt = 0;
  let drawn = false;
  return {
    update(p) {
      if (tty) {
        const line = `${bar(p.accountsDone, p.accountsTotal)} ${progressLine(p)}`;
        const cols = stream.columns ?? 100;
        stream.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, lastText.length))}`);
        lastText = line.slice(0, cols - 1);
        drawn = true;
        return;
      }
      const text = progressLine(p).replace(/ · \d+m?\d*s$/, '');
      const now = Date.now();
      if (text === lastText || (now - lastAt < minIntervalMs && p.accountsDone < p.accountsTotal)) return;
      lastText = text;
      lastAt = now;
      stream.write(`progress: ${progressLine(p)}\n`);
    },
    done() {
      if (tty && drawn) stream.write('\n');
    },
  };
}
