import { describe, expect, it } from 'vitest';
import { renderAsff } from './asff.js';
import type { ReportFinding } from './model.js';
import { renderOcsf } from './ocsf.js';
import { buildReport, fixtureAccountId } from './testing/fixture.js';

const report = buildReport({ accounts: 10, regions: 3 });
const fails = report.findings.filter((f) => f.status === 'FAIL');
const finishedMs = Date.parse(report.finishedAt!);

function byCheck(list: readonly ReportFinding[], checkId: string): ReportFinding {
  const f = list.find((x) => x.checkId === checkId);
  if (!f) throw new Error(`fixture has no FAIL for ${checkId}`);
  return f;
}

describe('renderOcsf', () => {
  const ocsf = renderOcsf(report);

  it('emits one Detection Finding per FAIL and nothing for PASS, WAIVED or ERROR', () => {
    expect(report.findings.some((f) => f.status === 'WAIVED')).toBe(true);
    expect(report.findings.some((f) => f.status === 'ERROR')).toBe(true);
    expect(ocsf).toHaveLength(fails.length);
    expect(ocsf.map((o) => o.finding_info.analytic.uid)).toEqual(fails.map((f) => f.checkId));
    for (const o of ocsf) {
      expect(o).toMatchObject({
        class_uid: 2004,
        category_uid: 2,
        type_uid: 200401,
        activity_id: 1,
        status_id: 1,
      });
      expect(o.metadata.product.name).toBe('trailwarden');
      expect(o.metadata.version).toMatch(/^1\.\d+\.\d+$/);
      expect(o.time).toBe(finishedMs);
    }
  });

  it('maps severities to OCSF severity_id', () => {
    const ids = new Map(ocsf.map((o, i) => [fails[i]!.severity, o.severity_id]));
    expect(Object.fromEntries(ids)).toEqual({ high: 4, medium: 3, low: 2, info: 1 });
    const critical = buildReport({ accounts: 2, regions: 1 });
    for (const f of critical.findings) f.severity = 'critical';
    expect(new Set(renderOcsf(critical).map((o) => o.severity_id))).toEqual(new Set([5]));
  });

  it('carries account, region, resource ARN, title, message and evidence', () => {
    const f = byCheck(fails, 'cloudtrail.trail_logging');
    const o = ocsf[fails.indexOf(f)]!;
    expect(o.cloud.account?.uid).toBe(f.accountId);
    expect(o.cloud.region).toBe(f.region);
    expect(o.cloud.org.uid).toBe(report.organization.id);
    expect(o.resources).toEqual([
      { uid: f.resourceArn, type: 'AWS::CloudTrail::Trail', region: f.region, cloud_partition: 'aws' },
    ]);
    expect(o.finding_info.title).toBe(f.title);
    expect(o.finding_info.desc).toBe(f.message);
    expect(o.unmapped.evidence).toEqual(f.evidence);
    expect(o.unmapped.compliance).toEqual(f.compliance);
    const org = ocsf[fails.indexOf(byCheck(fails, 'cloudtrail.org_trail'))]!;
    expect(org.cloud.account).toBeUndefined();
    expect(org.resources[0]).toMatchObject({
      uid: report.organization.id,
      type: 'AWS::Organizations::Organization',
    });
  });

  it('gives a finding the same uid in every run and different findings different uids', () => {
    const again = renderOcsf({ ...report, runId: 'another-run', finishedAt: '2026-12-01T00:00:00Z' });
    expect(again.map((o) => o.finding_info.uid)).toEqual(ocsf.map((o) => o.finding_info.uid));
    expect(new Set(ocsf.map((o) => o.finding_info.uid)).size).toBe(ocsf.length);
  });
});

describe('renderAsff', () => {
  const asff = renderAsff(report);
  const mgmt = report.organization.managementAccountId;

  it('emits one ASFF finding per FAIL with the required fields', () => {
    expect(asff).toHaveLength(fails.length);
    asff.forEach((a, i) => {
      const f = fails[i]!;
      expect(a.SchemaVersion).toBe('2018-10-08');
      expect(a.GeneratorId).toBe(f.checkId);
      expect(a.AwsAccountId).toBe(f.accountId ?? mgmt);
      expect(a.CreatedAt).toBe(new Date(finishedMs).toISOString());
      expect(a.UpdatedAt).toBe(a.CreatedAt);
      expect(a.Compliance.Status).toBe('FAILED');
      expect(a.Compliance.RelatedRequirements).toEqual(f.compliance.length ? f.compliance : undefined);
      expect(a.Workflow).toEqual({ Status: 'NEW' });
      expect(a.RecordState).toBe('ACTIVE');
      expect(a.Resources).toHaveLength(1);
    });
    expect(new Set(asff.map((a) => a.Id)).size).toBe(asff.length);
  });

  it('defaults the product ARN to the importing account’s default product and accepts overrides', () => {
    const region = report.scope.regions[0];
    expect(asff[0]!.ProductArn).toBe(`arn:aws:securityhub:${region}:${mgmt}:product/${mgmt}/default`);
    const other = renderAsff(report, { awsAccountId: '999999999999', region: 'eu-central-1' });
    expect(other[0]!.ProductArn).toBe(
      'arn:aws:securityhub:eu-central-1:999999999999:product/999999999999/default',
    );
    const given = 'arn:aws:securityhub:us-east-1::product/acme/trailwarden';
    expect(renderAsff(report, { productArn: given }).every((a) => a.ProductArn === given)).toBe(true);
  });

  it('maps severity labels and CIS types', () => {
    const labels = Object.fromEntries(asff.map((a, i) => [fails[i]!.severity, a.Severity.Label]));
    expect(labels).toEqual({ high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' });
    asff.forEach((a, i) => {
      const cis = fails[i]!.compliance.some((c) => c.startsWith('CIS-'));
      expect(a.Types).toEqual([
        cis
          ? 'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark'
          : 'Software and Configuration Checks/AWS Security Best Practices',
      ]);
    });
  });

  it('types resources: trails, accounts, the organization and other ARNs', () => {
    const res = (checkId: string) => asff[fails.indexOf(byCheck(fails, checkId))]!.Resources[0]!;
    const trail = byCheck(fails, 'cloudtrail.trail_logging');
    expect(res('cloudtrail.trail_logging')).toEqual({
      Type: 'AwsCloudTrailTrail',
      Id: trail.resourceArn,
      Partition: 'aws',
      Region: trail.region,
    });
    const coverage = byCheck(fails, 'cloudtrail.region_coverage');
    expect(res('cloudtrail.region_coverage')).toMatchObject({
      Type: 'AwsAccount',
      Id: `AWS::::Account:${coverage.accountId}`,
      Region: coverage.region,
    });
    expect(res('cloudtrail.org_trail')).toMatchObject({
      Type: 'Other',
      Id: expect.stringContaining(report.organization.id),
    });
    expect(res('config.correlation')).toMatchObject({
      Type: 'Other',
      Id: expect.stringMatching(/^arn:aws:config:/),
    });
  });

  it('keeps Title within 256 and Description within 1024 characters', () => {
    const r = buildReport({ accounts: 2, regions: 1 });
    const f = r.findings.find((x) => x.status === 'FAIL' && x.accountId === fixtureAccountId(0))!;
    f.title = 'T'.repeat(300);
    f.message = `${'M'.repeat(1022)}😀😀`;
    const a = renderAsff(r).find((x) => x.GeneratorId === f.checkId && x.AwsAccountId === f.accountId)!;
    expect(a.Title).toHaveLength(256);
    expect(a.Title.endsWith('…')).toBe(true);
    expect(a.Description.length).toBeLessThanOrEqual(1024);
    expect(a.Description).toMatch(/^M+…$/);
  });
});
