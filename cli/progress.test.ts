import { describe, expect, it } from 'vitest';
import type { AuditProgress } from '../workflows/audit.js';
import { bar, progressLine, progressSink } from './progress.js';

const T0 = Date.parse('2026-11-01T10:00:00.000Z');

function progress(patch: Partial<AuditProgress> = {}): AuditProgress {
  return {
    runId: 'audit-1',
    phase: 'accounts',
    accountsTotal: 40,
    accountsDone: 12,
    accountsFailed: 0,
    regionsDone: 36,
    regionsError: 0,
    findings: { PASS: 10, FAIL: 5, WAIVED: 1, ERROR: 0 },
    startedAt: new Date(T0).toISOString(),
    continuedAsNew: 0,
    ...patch,
  };
}

/** A stream that records what is written, as a terminal or as a pipe. */
function stream(tty: boolean, columns = 100) {
  const chunks: string[] = [];
  const s = {
    isTTY: tty,
    columns,
    write(c: string) {
      chunks.push(c);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { s, chunks };
}

describe('progressLine', () => {
  it('says accounts done of total, regions, findings and elapsed time', () => {
    expect(progressLine(progress(), T0 + 12_000)).toBe('accounts 12/40 · regions 36 · findings 16 · 12s');
  });

  it('names the phase outside the account phase, and the accounts and regions that failed', () => {
    expect(
      progressLine(progress({ phase: 'finishing', accountsFailed: 2, regionsError: 1 }), T0 + 125_000),
    ).toBe('finishing · accounts 12/40 · 2 not assessed · regions 36 (1 error) · findings 16 · 2m05s');
  });
});

describe('bar', () => {
  it('fills in proportion and never overflows', () => {
    expect(bar(0, 10, 10)).toBe(`[${'░'.repeat(10)}]   0%`);
    expect(bar(5, 10, 10)).toBe(`[${'█'.repeat(5)}${'░'.repeat(5)}]  50%`);
    expect(bar(12, 10, 10)).toBe(`[${'█'.repeat(10)}] 100%`);
    expect(bar(0, 0, 10)).toBe(`[${'░'.repeat(10)}]   0%`);
  });
});

describe('progressSink', () => {
  it('writes plain lines (no carriage returns, no colour) when the stream is not a terminal', () => {
    const { s, chunks } = stream(false);
    const sink = progressSink(s, 0);
    sink.update(progress({ phase: 'discovering', accountsTotal: 0, accountsDone: 0 }));
    sink.update(progress({ accountsDone: 1 }));
    sink.update(progress({ accountsDone: 40, phase: 'completed' }));
    sink.done();
    expect(chunks).toHaveLength(3);
    for (const c of chunks) {
      expect(c).toMatch(/^progress: .*\n$/);
      expect(c.includes('\r') || c.includes('\u001b')).toBe(false);
    }
    expect(chunks[2]).toMatch(/^progress: completed · accounts 40\/40 · /);
  });

  it('does not repeat an unchanged line, and writes at most one line per interval until the end', () => {
    const { s, chunks } = stream(false);
    const sink = progressSink(s, 60_000);
    sink.update(progress({ accountsDone: 1 }));
    sink.update(progress({ accountsDone: 1 }));
    sink.update(progress({ accountsDone: 2 }));
    sink.update(progress({ accountsDone: 3 }));
    // The last account is always shown, whatever the interval.
    sink.update(progress({ accountsDone: 40 }));
    expect(chunks.map((c) => c.match(/accounts \d+/)?.[0])).toEqual(['accounts 1', 'accounts 40']);
  });

  it('redraws one line in place on a terminal and ends it when done', () => {
    const { s, chunks } = stream(true, 80);
    const sink = progressSink(s);
    sink.update(progress({ accountsDone: 10 }));
    sink.update(progress({ accountsDone: 20 }));
    sink.done();
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toMatch(/^\r\[█{6}░{18}\] {2}25% accounts 10\/40/);
    expect(chunks[1]).toMatch(/^\r\[█{12}░{12}\] {2}50% accounts 20\/40/);
    for (const c of chunks.slice(0, 2)) expect(c.length).toBeLessThanOrEqual(80);
    expect(chunks[2]).toBe('\n');
  });
});
