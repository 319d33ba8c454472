import { cloudwatchLogs } from './cloudtrail/cloudwatch-logs.js';
import { deliveryHealthy } from './cloudtrail/delivery-healthy.js';
import { globalServiceEvents } from './cloudtrail/global-service-events.js';
import { accountInsights } from './cloudtrail/insights.js';
import { kmsEncryption } from './cloudtrail/kms-encryption.js';
import { logFileValidation } from './cloudtrail/log-file-validation.js';
import { managementEvents } from './cloudtrail/management-events.js';
import { multiRegionTrail } from './cloudtrail/multi-region-trail.js';
import { orgTrail } from './cloudtrail/org-trail.js';
import { regionCoverage } from './cloudtrail/region-coverage.js';
import { s3DataEvents } from './cloudtrail/s3-data-events.js';
import { snsNotifications } from './cloudtrail/sns-notifications.js';
import { tamperEvents } from './cloudtrail/tamper-events.js';
import { trailLogging } from './cloudtrail/trail-logging.js';
import { complianceOf } from './compliance.js';
import { correlation } from './config/correlation.js';
import { deliveryChannel } from './config/delivery-channel.js';
import { globalResources } from './config/global-resources.js';
import { orgAggregator } from './config/org-aggregator.js';
import { recorderEnabled } from './config/recorder-enabled.js';
import type { Check } from './define.js';
import { accountAssessed } from './org/account-assessed.js';
import { type CheckMeta, SEVERITIES } from './types.js';

// Digits are allowed after the first letter because the public id cloudtrail.s3_data_events has one.
const ID = /^(org|cloudtrail|config)\.[a-z][a-z0-9_]*$/;
const SCOPES = ['org', 'account', 'region', 'trail'];
/** The scope each kind of check reports at: the engine relies on it to fill subject fields. */
const SCOPE_OF_KIND: Record<Check['kind'], CheckMeta['scope']> = {
  assessment: 'org',
  org: 'org',
  account: 'account',
  region: 'region',
  correlation: 'region',
  trail: 'trail',
};

/** Raised at start-up when the catalog is inconsistent. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface Registry {
  ids(): string[];
  list(): readonly Check[];
  get(id: string): Check | undefined;
}

/**
 * A registry of checks that refuses, at start-up, duplicate ids, incomplete metadata, and compliance tags
 * that disagree with the framework tables.
 */
export function createRegistry(checks: readonly Check[]): Registry {
  const byId = new Map<string, Check>();
  for (const c of checks) {
    const m = c.meta;
    const problems: string[] = [];
    if (!ID.test(m.id ?? '')) problems.push(`id "${m.id}" does not look like <org|cloudtrail|config>.<name>`);
    if (!m.title?.trim()) problems.push('empty title');
    if (!m.remediation?.trim()) problems.push('empty remediation');
    if (!SEVERITIES.includes(m.severity)) problems.push(`unknown severity "${m.severity}"`);
    if (!SCOPES.includes(m.scope)) problems.push(`unknown scope "${m.scope}"`);
    else if (SCOPE_OF_KIND[c.kind] !== m.scope)
      problems.push(`scope "${m.scope}" does not fit a check of kind "${c.kind}"`);
    if (!Array.isArray(m.compliance)) problems.push('compliance must be a list (empty when nothing maps)');
    const expected = complianceOf(m.id);
    const tagged = [...(m.compliance ?? [])].sort();
    if (expected.join('|') !== tagged.join('|')) {
      problems.push(
        `compliance tags [${tagged.join(', ')}] disagree with the framework tables [${expected.join(', ')}]`,
      );
    }
    if (problems.length > 0) throw new RegistryError(`check ${m.id || '(no id)'}: ${problems.join('; ')}`);
    if (byId.has(m.id)) throw new RegistryError(`duplicate check id ${m.id}`);
    byId.set(m.id, c);
  }
  const list = [...byId.values()];
  return { ids: () => list.map((c) => c.meta.id), list: () => list, get: (id) => byId.get(id) };
}

/** The whole catalog (spec/checks.md), in catalog order. */
export const catalog: Registry = createRegistry([
  accountAssessed,
  orgTrail,
  orgAggregator,
  multiRegionTrail,
  s3DataEvents,
  accountInsights,
  globalResources,
  regionCoverage,
  recorderEnabled,
  deliveryChannel,
  correlation,
  tamperEvents,
  trailLogging,
  deliveryHealthy,
  logFileValidation,
  kmsEncryption,
  cloudwatchLogs,
  managementEvents,
  globalServiceEvents,
  snsNotifications,
]);
