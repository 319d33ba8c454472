/**
 * Catalog facts the collectors need in order to read only what the verdicts use (spec/checks.md).
 */

/** Event names cloudtrail.tamper_events looks for in event history. */
export const TAMPER_EVENT_NAMES: readonly string[] = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'PutInsightSelectors',
  'StopConfigurationRecorder',
  'DeleteConfigurationRecorder',
  'DeleteDeliveryChannel',
];

/** The subset that concerns trails (read in the management account for organization trails). */
export const TRAIL_TAMPER_EVENT_NAMES: readonly string[] = TAMPER_EVENT_NAMES.filter(
  (n) => !/Configuration|DeliveryChannel/.test(n),
);

/** AWS Config managed rules config.correlation compares with direct verdicts, and the check each mirrors. */
export const CORRELATED_RULES: Readonly<Record<string, string>> = {
  CLOUD_TRAIL_ENABLED: 'cloudtrail.region_coverage',
  MULTI_REGION_CLOUD_TRAIL_ENABLED: 'cloudtrail.multi_region_trail',
  CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED: 'cloudtrail.log_file_validation',
  CLOUD_TRAIL_ENCRYPTION_ENABLED: 'cloudtrail.kms_encryption',
  CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED: 'cloudtrail.cloudwatch_logs',
  CLOUDTRAIL_S3_DATAEVENTS_ENABLED: 'cloudtrail.s3_data_events',
};

export const CORRELATED_RULE_IDENTIFIERS: readonly string[] = Object.keys(CORRELATED_RULES);
