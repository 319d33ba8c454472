import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportJsonSchemaText } from './generate-schema.js';
import { parseReport, ReportParseError, renderJson } from './json.js';
import type { Report } from './model.js';
import { buildReport, HOSTILE } from './testing/fixture.js';
import { assertMatchesCommittedSchema, COMMITTED_SCHEMA_FILE } from './testing/schema.js';

/** The same report with every schema-defined object's keys in reverse order (evidence is data: kept). */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, k === 'evidence' ? v : reversedKeys(v)]),
    ) as T;
  }
  return value;
}

describe('renderJson', () => {
  it('round-trips through parseReport, hostile strings included', () => {
    const report = buildReport();
    const back = parseReport(renderJson(report));
    expect(back).toEqual(report);
    expect(back.accounts.map((a) => a.name)).toContain(HOSTILE.formulaName);
  });

  it('writes JSON that matches the committed schema file', () => {
    assertMatchesCommittedSchema(renderJson(buildReport()));
    assertMatchesCommittedSchema(
      renderJson(buildReport({ accounts: 3, regions: 1, drift: false, hostile: false })),
    );
  });

  it('is pretty-printed with keys in schema order whatever order the object was built in', () => {
    const report = buildReport({ accounts: 4, regions: 2 });
    const text = renderJson(reversedKeys(report));
    expect(text).toBe(renderJson(report));
    expect(Object.keys(JSON.parse(text))).toEqual([
      'schemaVersion',
      'runId',
      'status',
      'startedAt',
      'finishedAt',
      'organization',
      'scope',
      'accounts',
      'findings',
      'summary',
      'drift',
      'expiredWaivers',
    ]);
    expect(Object.keys(JSON.parse(text).findings[0])).toEqual([
      'checkId',
      'accountId',
      'region',
      'resourceArn',
      'status',
      'severity',
      'title',
      'message',
      'evidence',
      'compliance',
    ]);
    expect(text).toMatch(/^\{\n {2}"schemaVersion": 1,\n/);
  });

  it('drops keys the schema does not know, so the output still matches the published schema', () => {
    const report = { ...buildReport({ accounts: 2, regions: 1 }), internalNote: 'x' } as Report;
    const text = renderJson(report);
    expect(text).not.toContain('internalNote');
    assertMatchesCommittedSchema(text);
  });

  it('refuses to render an invalid report, naming the path', () => {
    const report = buildReport({ accounts: 2, regions: 1 });
    (report.findings[1] as { severity: string }).severity = 'urgent';
    expect(() => renderJson(report)).toThrow(/findings\[1\]\.severity/);
  });
});

describe('parseReport', () => {
  it('rejects text that is not JSON', () => {
    expect(() => parseReport('{"schemaVersion": 1,')).toThrow(ReportParseError);
    expect(() => parseReport('{"schemaVersion": 1,')).toThrow(/not JSON/);
  });

  it('names every failing path and keeps the issues', () => {
    const raw = JSON.parse(renderJson(buildReport({ accounts: 3, regions: 1 })));
    raw.accounts[1].accountId = 'not-an-id';
    raw.findings[2].status = 'MAYBE';
    let error: unknown;
    try {
      parseReport(JSON.stringify(raw));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ReportParseError);
    const e = error as ReportParseError;
    expect(e.message).toContain('accounts[1].accountId');
    expect(e.message).toContain('findings[2].status');
    expect(e.issues.map((i) => i.path.join('.'))).toEqual(['accounts.1.accountId', 'findings.2.status']);
  });

  it('rejects a report of another schema version', () => {
    const raw = JSON.parse(renderJson(buildReport({ accounts: 1, regions: 1 })));
    raw.schemaVersion = 2;
    expect(() => parseReport(JSON.stringify(raw))).toThrow(/schemaVersion/);
  });
});

describe('published JSON Schema', () => {
  it('is in sync with the zod schema (run `npm run schema` after changing report/model.ts)', () => {
    expect(readFileSync(COMMITTED_SCHEMA_FILE, 'utf8')).toBe(reportJsonSchemaText());
  });

  it('rejects what the zod schema rejects', () => {
    const raw = JSON.parse(renderJson(buildReport({ accounts: 2, regions: 1 })));
    raw.summary.bySeverity = { high: 1 };
    expect(() => assertMatchesCommittedSchema(JSON.stringify(raw))).toThrow(/critical/);
    raw.summary.bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    raw.findings[0].waiver = { reason: 'r' };
    expect(() => assertMatchesCommittedSchema(JSON.stringify(raw))).toThrow(/expires/);
  });
});
