import { createHash } from 'node:crypto';
import type { ReportFinding } from './model.js';

/**
 * A finding's id for external systems, stable across runs (derived from its FindingKey only) so that a
 * SIEM or Security Hub updates the same finding on every run instead of piling up duplicates.
 */
export function stableFindingId(
  f: Pick<ReportFinding, 'checkId' | 'accountId' | 'region' | 'resourceArn'>,
): string {
  const key = JSON.stringify([f.checkId, f.accountId, f.region, f.resourceArn]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** The run's timestamp for exported findings: when it finished, or started if it has not. */
export function reportTime(report: { startedAt: string; finishedAt: string | null }): Date {
  return new Date(report.finishedAt ?? report.startedAt);
}

/** The partition of an ARN (`aws`, `aws-us-gov`, `aws-cn`), `aws` when it is not an ARN. */
export function arnPartition(arn: string | null): string {
  const m = arn ? /^arn:([a-z-]+):/.exec(arn) : null;
  return m?.[1] ?? 'aws';
}

/** The CloudFormation-style type of the resource an ARN names, as far as the catalog produces them. */
export function arnResourceKind(arn: string | null): 'trail' | 'config-rule' | 'other' | 'none' {
  if (arn === null) return 'none';
  if (/^arn:[a-z-]+:cloudtrail:[^:]*:\d*:trail\//.test(arn)) return 'trail';
  if (/^arn:[a-z-]+:config:[^:]*:\d*:config-rule\//.test(arn)) return 'config-rule';
  return 'other';
}
