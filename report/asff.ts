import { arnPartition, arnResourceKind, reportTime, stableFindingId } from './ids.js';
import type { Report, ReportFinding } from './model.js';
import { clip } from './text.js';

export interface AsffOptions {
  /** Security Hub product ARN; default the account's own default product in `region`. */
  productArn?: string;
  /** Account that imports the findings; default the organization's management account. */
  awsAccountId?: string;
  /** Region of the Security Hub the findings go to; default the first region in scope, else us-east-1. */
  region?: string;
}

const SEVERITY_LABEL: Record<
  ReportFinding['severity'],
  'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'
> = {
  info: 'INFORMATIONAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

const CIS_TYPE =
  'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark';
const BEST_PRACTICE_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

/** An AWS Security Finding Format object, the subset of fields trailwarden fills. */
export interface AsffFinding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  ProductName: 'trailwarden';
  CompanyName: 'trailwarden';
  GeneratorId: string;
  AwsAccountId: string;
  Region?: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: string; Original: string };
  Title: string;
  Description: string;
  Resources: {
    Type: 'AwsCloudTrailTrail' | 'AwsAccount' | 'Other';
    Id: string;
    Partition: string;
    Region: string;
  }[];
  Compliance: { Status: 'FAILED'; RelatedRequirements?: string[] };
  Workflow: { Status: 'NEW' };
  RecordState: 'ACTIVE';
  ProductFields: Record<string, string>;
}

/** ASFF findings for Security Hub BatchImportFindings, one per FAIL finding of the report. */
export function renderAsff(report: Report, options: AsffOptions = {}): AsffFinding[] {
  const importer = options.awsAccountId ?? report.organization.managementAccountId;
  const hubRegion = options.region ?? report.scope.regions[0] ?? 'us-east-1';
  const productArn =
    options.productArn ?? `arn:aws:securityhub:${hubRegion}:${importer}:product/${importer}/default`;
  const time = reportTime(report).toISOString();
  return report.findings
    .filter((f) => f.status === 'FAIL')
    .map((f): AsffFinding => {
      const accountId = f.accountId ?? report.organization.managementAccountId;
      const region = f.region ?? hubRegion;
      const partition = arnPartition(f.resourceArn);
      const kind = arnResourceKind(f.resourceArn);
      const resource: AsffFinding['Resources'][number] =
        kind === 'trail'
          ? { Type: 'AwsCloudTrailTrail', Id: f.resourceArn!, Partition: partition, Region: region }
          : kind === 'none' && f.accountId !== null
            ? {
                Type: 'AwsAccount',
                Id: `AWS::::Account:${f.accountId}`,
                Partition: partition,
                Region: region,
              }
            : {
                Type: 'Other',
                Id: f.resourceArn ?? `AWS::Organizations::Organization:${report.organization.id}`,
                Partition: partition,
                Region: region,
              };
      // Security Hub limits: RelatedRequirements up to 32 entries of at most 256 characters.
      const requirements = f.compliance.slice(0, 32).map((c) => clip(c, 256));
      return {
        SchemaVersion: '2018-10-08',
        Id: `trailwarden/${f.checkId}/${stableFindingId(f)}`,
        ProductArn: productArn,
        ProductName: 'trailwarden',
        CompanyName: 'trailwarden',
        GeneratorId: f.checkId,
        AwsAccountId: accountId,
        ...(f.region === null ? {} : { Region: f.region }),
        Types: [f.compliance.some((c) => c.startsWith('CIS-')) ? CIS_TYPE : BEST_PRACTICE_TYPE],
        CreatedAt: time,
        UpdatedAt: time,
        Severity: { Label: SEVERITY_LABEL[f.severity], Original: f.severity },
        Title: clip(f.title, 256),
        Description: clip(f.message || f.title, 1024),
        Resources: [resource],
        Compliance: {
          Status: 'FAILED',
          ...(requirements.length > 0 ? { RelatedRequirements: requirements } : {}),
        },
        Workflow: { Status: 'NEW' },
        RecordState: 'ACTIVE',
        ProductFields: { 'trailwarden/RunId': clip(report.runId, 2048), 'trailwarden/CheckId': f.checkId },
      };
    });
}
