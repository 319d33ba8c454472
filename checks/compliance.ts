/**
 * Compliance mappings in one place: each framework's controls and the checks that verify them
 * (spec/checks.md, "maps" column). Finding `compliance` strings are `<framework>:<control>`.
 */

export interface Framework {
  /** Prefix of compliance strings, e.g. CIS-3.0. */
  prefix: string;
  name: string;
  controls: Readonly<Record<string, readonly string[]>>;
}

export const CIS_AWS_3_0: Framework = {
  prefix: 'CIS-3.0',
  name: 'CIS Amazon Web Services Foundations Benchmark v3.0.0',
  controls: {
    '3.1': ['cloudtrail.org_trail', 'cloudtrail.multi_region_trail', 'cloudtrail.region_coverage'],
    '3.2': ['cloudtrail.log_file_validation'],
    '3.3': ['config.global_resources', 'config.recorder_enabled'],
    '3.5': ['cloudtrail.kms_encryption'],
    '3.8': ['cloudtrail.s3_data_events'],
    '3.9': ['cloudtrail.s3_data_events'],
  },
};

export const SECURITY_HUB: Framework = {
  prefix: 'SecurityHub',
  name: 'AWS Security Hub (AWS Foundational Security Best Practices controls)',
  controls: {
    'CloudTrail.1': ['cloudtrail.multi_region_trail', 'cloudtrail.management_events'],
    'CloudTrail.2': ['cloudtrail.kms_encryption'],
    'CloudTrail.3': ['cloudtrail.region_coverage', 'cloudtrail.trail_logging'],
    'CloudTrail.4': ['cloudtrail.log_file_validation'],
    'CloudTrail.5': ['cloudtrail.cloudwatch_logs'],
    'Config.1': ['config.recorder_enabled', 'config.delivery_channel'],
  },
};

export const FRAMEWORKS: readonly Framework[] = [CIS_AWS_3_0, SECURITY_HUB];

/** The compliance strings the tables give a check, sorted. */
export function complianceOf(checkId: string): string[] {
  const out: string[] = [];
  for (const f of FRAMEWORKS) {
    for (const [control, checks] of Object.entries(f.controls))
      if (checks.includes(checkId)) out.push(`${f.prefix}:${control}`);
  }
  return out.sort();
}
