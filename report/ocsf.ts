import { accountsById } from './common.js';
import { arnPartition, arnResourceKind, reportTime, stableFindingId } from './ids.js';
import type { Report, ReportFinding } from './model.js';

/** The OCSF schema version the objects follow. */
export const OCSF_VERSION = '1.1.0';

// OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.
const SEVERITY_ID: Record<ReportFinding['severity'], { id: number; name: string }> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

const RESOURCE_TYPE = {
  trail: 'AWS::CloudTrail::Trail',
  'config-rule': 'AWS::Config::ConfigRule',
  other: 'Other',
} as const;

/** An OCSF 1.1 Detection Finding (class 2004), the subset of fields trailwarden fills. */
export interface OcsfDetectionFinding {
  activity_id: 1;
  activity_name: 'Create';
  category_uid: 2;
  category_name: 'Findings';
  class_uid: 2004;
  class_name: 'Detection Finding';
  type_uid: 200401;
  type_name: 'Detection Finding: Create';
  severity_id: number;
  severity: string;
  status_id: 1;
  status: 'New';
  time: number;
  message: string;
  metadata: {
    version: string;
    product: { name: 'trailwarden'; vendor_name: 'trailwarden' };
    log_name: string;
  };
  finding_info: {
    uid: string;
    title: string;
    desc: string;
    types: string[];
    analytic: { uid: string; name: string; type_id: 1; type: 'Rule' };
  };
  cloud: {
    provider: 'AWS';
    region?: string;
    account?: { uid: string; name?: string; type_id: 10; type: 'AWS Account' };
    org: { uid: string; ou_name?: string };
  };
  resources: { uid: string; type: string; region?: string; cloud_partition: string }[];
  unmapped: { runId: string; checkId: string; compliance: string[]; evidence: Record<string, unknown> };
}

/** OCSF Detection Findings for the FAIL findings of the report (passes, waivers and errors are not detections). */
export function renderOcsf(report: Report): OcsfDetectionFinding[] {
  const accounts = accountsById(report);
  const time = reportTime(report).getTime();
  return report.findings
    .filter((f) => f.status === 'FAIL')
    .map((f): OcsfDetectionFinding => {
      const account = f.accountId === null ? undefined : accounts.get(f.accountId);
      const kind = arnResourceKind(f.resourceArn);
      const resource =
        kind === 'none'
          ? {
              uid: f.accountId ?? report.organization.id,
              type: f.accountId === null ? 'AWS::Organizations::Organization' : 'AWS::::Account',
            }
          : { uid: f.resourceArn!, type: RESOURCE_TYPE[kind] };
      return {
        activity_id: 1,
        activity_name: 'Create',
        category_uid: 2,
        category_name: 'Findings',
        class_uid: 2004,
        class_name: 'Detection Finding',
        type_uid: 200401,
        type_name: 'Detection Finding: Create',
        severity_id: SEVERITY_ID[f.severity].id,
        severity: SEVERITY_ID[f.severity].name,
        status_id: 1,
        status: 'New',
        time,
        message: f.message,
        metadata: {
          version: OCSF_VERSION,
          product: { name: 'trailwarden', vendor_name: 'trailwarden' },
          log_name: report.runId,
        },
        finding_info: {
          uid: `trailwarden-${stableFindingId(f)}`,
          title: f.title,
          desc: f.message,
          types: [f.checkId],
          analytic: { uid: f.checkId, name: f.checkId, type_id: 1, type: 'Rule' },
        },
        cloud: {
          provider: 'AWS',
          ...(f.region === null ? {} : { region: f.region }),
          ...(f.accountId === null
            ? {}
            : {
                account: {
                  uid: f.accountId,
                  ...(account ? { name: account.name } : {}),
                  type_id: 10,
                  type: 'AWS Account',
                },
              }),
          org: { uid: report.organization.id, ...(account ? { ou_name: account.ouPath } : {}) },
        },
        resources: [
          {
            ...resource,
            ...(f.region === null ? {} : { region: f.region }),
            cloud_partition: arnPartition(f.resourceArn),
          },
        ],
        unmapped: { runId: report.runId, checkId: f.checkId, compliance: f.compliance, evidence: f.evidence },
      };
    });
}
