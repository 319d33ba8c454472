import { describe, expect, it } from 'vitest';
import { CORRELATED_RULES, TAMPER_EVENT_NAMES, TRAIL_TAMPER_EVENT_NAMES } from './catalog-constants.js';
import { CIS_AWS_3_0, complianceOf, FRAMEWORKS, SECURITY_HUB } from './compliance.js';
import type { Check } from './define.js';
import { catalog, createRegistry, RegistryError } from './registry.js';
import type { CheckMeta } from './types.js';

/** spec/checks.md, by hand: id, scope, severity. */
const SPEC: [string, CheckMeta['scope'], CheckMeta['severity']][] = [
  ['org.account_assessed', 'org', 'high'],
  ['cloudtrail.org_trail', 'org', 'medium'],
  ['config.org_aggregator', 'org', 'low'],
  ['cloudtrail.multi_region_trail', 'account', 'high'],
  ['cloudtrail.s3_data_events', 'account', 'low'],
  ['cloudtrail.insights', 'account', 'low'],
  ['config.global_resources', 'account', 'low'],
  ['cloudtrail.region_coverage', 'region', 'high'],
  ['config.recorder_enabled', 'region', 'medium'],
  ['config.delivery_channel', 'region', 'medium'],
  ['config.correlation', 'region', 'medium'],
  ['cloudtrail.tamper_events', 'region', 'high'],
  ['cloudtrail.trail_logging', 'trail', 'high'],
  ['cloudtrail.delivery_healthy', 'trail', 'medium'],
  ['cloudtrail.log_file_validation', 'trail', 'medium'],
  ['cloudtrail.kms_encryption', 'trail', 'medium'],
  ['cloudtrail.cloudwatch_logs', 'trail', 'low'],
  ['cloudtrail.management_events', 'trail', 'high'],
  ['cloudtrail.global_service_events', 'trail', 'medium'],
  ['cloudtrail.sns_notifications', 'trail', 'info'],
];

/** The "maps" column of spec/checks.md. */
const MAPS: Record<string, string[]> = {
  'cloudtrail.org_trail': ['CIS-3.0:3.1'],
  'cloudtrail.multi_region_trail': ['CIS-3.0:3.1', 'SecurityHub:CloudTrail.1'],
  'cloudtrail.s3_data_events': ['CIS-3.0:3.8', 'CIS-3.0:3.9'],
  'config.global_resources': ['CIS-3.0:3.3'],
  'cloudtrail.region_coverage': ['CIS-3.0:3.1', 'SecurityHub:CloudTrail.3'],
  'config.recorder_enabled': ['CIS-3.0:3.3', 'SecurityHub:Config.1'],
  'config.delivery_channel': ['SecurityHub:Config.1'],
  'cloudtrail.trail_logging': ['SecurityHub:CloudTrail.3'],
  'cloudtrail.log_file_validation': ['CIS-3.0:3.2', 'SecurityHub:CloudTrail.4'],
  'cloudtrail.kms_encryption': ['CIS-3.0:3.5', 'SecurityHub:CloudTrail.2'],
  'cloudtrail.cloudwatch_logs': ['SecurityHub:CloudTrail.5'],
  'cloudtrail.management_events': ['SecurityHub:CloudTrail.1'],
};

function check(meta: Partial<CheckMeta> = {}, kind: Check['kind'] = 'trail'): Check {
  return {
    kind,
    meta: {
      id: 'cloudtrail.kms_encryption',
      title: 'Trail log files are encrypted with KMS',
      severity: 'medium',
      scope: 'trail',
      remediation: 'Set a KMS key.',
      compliance: ['CIS-3.0:3.5', 'SecurityHub:CloudTrail.2'],
      ...meta,
    },
    evaluate: () => [],
  } as Check;
}

describe('registry', () => {
  it('the catalog has exactly the ids of spec/checks.md, in catalog order', () => {
    expect(catalog.ids()).toEqual(SPEC.map(([id]) => id));
  });

  it('every check has the scope and severity of the spec', () => {
    for (const [id, scope, severity] of SPEC) {
      expect(catalog.get(id)?.meta, id).toMatchObject({ scope, severity });
    }
  });

  it('every check has a title and a remediation', () => {
    for (const c of catalog.list()) {
      expect(c.meta.title.trim(), c.meta.id).not.toBe('');
      expect(c.meta.remediation.trim(), c.meta.id).not.toBe('');
    }
  });

  it('accepts a consistent check', () => {
    expect(createRegistry([check()]).ids()).toEqual(['cloudtrail.kms_encryption']);
  });

  it('refuses a duplicate id', () => {
    expect(() => createRegistry([check(), check()])).toThrow(/duplicate check id cloudtrail.kms_encryption/);
  });

  it('refuses incomplete metadata', () => {
    expect(() => createRegistry([check({ title: '  ' })])).toThrow(/empty title/);
    expect(() => createRegistry([check({ remediation: '' })])).toThrow(/empty remediation/);
    expect(() => createRegistry([check({ title: undefined })])).toThrow(/empty title/);
    // A check no framework maps still has to say so with an empty list.
    expect(() =>
      createRegistry([check({ id: 'cloudtrail.sns_notifications', compliance: undefined })]),
    ).toThrow(/compliance must be a list/);
    expect(() => createRegistry([check({ severity: 'urgent' as never })])).toThrow(
      /unknown severity "urgent"/,
    );
    for (const id of [
      'KmsEncryption',
      'cloudtrail.2kms',
      's3.kms_encryption',
      'cloudtrail.Kms',
      'cloudtrail.',
    ])
      expect(() => createRegistry([check({ id })]), id).toThrow(/does not look like/);
    expect(() => createRegistry([check({ scope: 'bucket' as never })])).toThrow(/unknown scope/);
  });

  it('refuses a scope that does not fit the kind of check', () => {
    expect(() => createRegistry([check({ scope: 'region' }, 'trail')])).toThrow(
      /scope "region".*kind "trail"/,
    );
  });

  it('refuses compliance tags that disagree with the framework tables', () => {
    expect(() => createRegistry([check({ compliance: ['CIS-3.0:3.5'] })])).toThrow(
      /disagree with the framework tables/,
    );
    expect(() =>
      createRegistry([check({ compliance: ['CIS-3.0:3.5', 'SecurityHub:CloudTrail.2', 'CIS-3.0:3.7'] })]),
    ).toThrow(RegistryError);
  });

  it('accepts compliance tags in any order', () => {
    const reordered = createRegistry([check({ compliance: ['SecurityHub:CloudTrail.2', 'CIS-3.0:3.5'] })]);
    expect(reordered.get('cloudtrail.kms_encryption')?.meta.compliance).toEqual([
      'SecurityHub:CloudTrail.2',
      'CIS-3.0:3.5',
    ]);
  });
});

describe('compliance tables', () => {
  it('map the checks the spec maps, and nothing else', () => {
    for (const id of catalog.ids()) expect(complianceOf(id), id).toEqual((MAPS[id] ?? []).sort());
  });

  it('agree with every check’s metadata', () => {
    for (const c of catalog.list())
      expect([...c.meta.compliance].sort(), c.meta.id).toEqual(complianceOf(c.meta.id));
  });

  it('name only checks of the catalog', () => {
    for (const f of FRAMEWORKS)
      for (const [control, ids] of Object.entries(f.controls))
        for (const id of ids) expect(catalog.get(id), `${f.prefix}:${control} → ${id}`).toBeDefined();
    expect(FRAMEWORKS).toEqual([CIS_AWS_3_0, SECURITY_HUB]);
  });
});

describe('catalog constants', () => {
  it('every correlated Config rule mirrors a catalog check', () => {
    expect(Object.keys(CORRELATED_RULES).sort()).toEqual([
      'CLOUDTRAIL_S3_DATAEVENTS_ENABLED',
      'CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED',
      'CLOUD_TRAIL_ENABLED',
      'CLOUD_TRAIL_ENCRYPTION_ENABLED',
      'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED',
      'MULTI_REGION_CLOUD_TRAIL_ENABLED',
    ]);
    for (const id of Object.values(CORRELATED_RULES)) expect(catalog.get(id), id).toBeDefined();
  });

  it('the trail tamper events are the CloudTrail half of the list', () => {
    expect(TAMPER_EVENT_NAMES).toHaveLength(8);
    expect(TRAIL_TAMPER_EVENT_NAMES).toEqual([
      'StopLogging',
      'DeleteTrail',
      'UpdateTrail',
      'PutEventSelectors',
      'PutInsightSelectors',
    ]);
  });
});
