import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../report/model.js';
import { buildReport } from '../report/testing/fixture.js';
import { exitCodeFor, newRunId, parseSeverity, writeOutputs } from './audit.js';
import { CliError, EXIT } from './common.js';

function withFails(...severities: Report['findings'][number]['severity'][]): Report {
  const base = buildReport();
  const template = base.findings[0]!;
  return {
    ...base,
    findings: [
      { ...template, status: 'PASS', severity: 'critical' },
      { ...template, status: 'WAIVED', severity: 'critical' },
      { ...template, status: 'ERROR', severity: 'critical' },
      ...severities.map((severity) => ({ ...template, status: 'FAIL' as const, severity })),
    ],
  };
}

describe('exitCodeFor (--fail-on)', () => {
  it('is 0 without --fail-on, whatever failed', () => {
    expect(exitCodeFor(withFails('critical', 'high'), undefined)).toBe(EXIT.OK);
  });

  it('is 2 when a FAIL at or above the threshold exists, 0 otherwise', () => {
    const r = withFails('high', 'low');
    expect(exitCodeFor(r, 'critical')).toBe(EXIT.OK);
    expect(exitCodeFor(r, 'high')).toBe(EXIT.FINDINGS);
    expect(exitCodeFor(r, 'medium')).toBe(EXIT.FINDINGS);
    expect(exitCodeFor(withFails('low'), 'medium')).toBe(EXIT.OK);
    expect(exitCodeFor(withFails('info'), 'info')).toBe(EXIT.FINDINGS);
  });

  it('counts only FAIL: PASS, WAIVED and ERROR findings of any severity do not trip it', () => {
    expect(exitCodeFor(withFails(), 'info')).toBe(EXIT.OK);
  });
});

describe('parseSeverity', () => {
  it('accepts the five severities and refuses anything else with a CliError', () => {
    for (const s of ['critical', 'high', 'medium', 'low', 'info']) expect(parseSeverity(s)).toBe(s);
    expect(() => parseSeverity('HIGH')).toThrow(CliError);
    expect(() => parseSeverity('severe')).toThrow(/expected one of critical, high, medium, low, info/);
  });
});

describe('newRunId', () => {
  it('is audit-<UTC time>-<random>, distinct each time', () => {
    const at = new Date('2026-11-01T10:20:30.456Z');
    expect(newRunId(at)).toMatch(/^audit-20261101T102030Z-[0-9a-f]{6}$/);
    expect(newRunId(at)).not.toBe(newRunId(at));
  });
});

describe('writeOutputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-outputs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each requested format (creating directories) and nothing else', async () => {
    const report = buildReport();
    const written = await writeOutputs(report, {
      json: join(dir, 'a', 'r.json'),
      csv: join(dir, 'b', 'c', 'r.csv'),
    });
    expect(written).toEqual([
      { format: 'json', path: join(dir, 'a', 'r.json') },
      { format: 'csv', path: join(dir, 'b', 'c', 'r.csv') },
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'a', 'r.json'), 'utf8'))).toEqual(report);
    expect(readFileSync(join(dir, 'b', 'c', 'r.csv'), 'utf8').split('\n')[0]).toMatch(/checkId|check/i);
  });
});
