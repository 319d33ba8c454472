import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import { REPORT_FORMATS, type ReportFormat, renderReport } from './index.js';
import { buildReport } from './testing/fixture.js';
import { assertMatchesCommittedSchema } from './testing/schema.js';

describe('renderReport', () => {
  const report = buildReport({ accounts: 6, regions: 2 });

  it('renders every format through its renderer', () => {
    const fails = report.summary.byStatus.FAIL;
    const out = Object.fromEntries(REPORT_FORMATS.map((f) => [f, renderReport(report, f)])) as Record<
      ReportFormat,
      string
    >;
    assertMatchesCommittedSchema(out.json);
    expect(out.json).toBe(api.renderJson(report));
    expect(out.md).toBe(api.renderMarkdown(report));
    expect(out.csv).toBe(api.renderCsv(report));
    expect(out.html).toBe(api.renderHtml(report));
    expect(JSON.parse(out.ocsf)).toHaveLength(fails);
    expect(JSON.parse(out.asff)).toHaveLength(fails);
    expect(out.terminal).toBe(api.renderTerminal(report, { color: false }));
  });

  it('passes per-format options through', () => {
    const arn = 'arn:aws:securityhub:us-east-1::product/acme/x';
    expect(JSON.parse(renderReport(report, 'asff', { asff: { productArn: arn } }))[0].ProductArn).toBe(arn);
    expect(renderReport(report, 'terminal', { terminal: { color: true } })).toContain('\u001b[');
    for (const line of renderReport(report, 'terminal', { terminal: { width: 50 } }).split('\n')) {
      expect(line.length).toBeLessThanOrEqual(50);
    }
  });

  it('rejects an unknown format', () => {
    expect(() => renderReport(report, 'pdf' as ReportFormat)).toThrow(/unknown report format: pdf/);
  });
});
