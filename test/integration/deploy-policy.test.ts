import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RecordedCall, Scenario } from '../../emulator/index.js';
import { packageRoot } from '../../lib/binaries.js';
import type { Report } from '../../report/model.js';
import { runAudit, testSettings } from '../harness/audit.js';
import { type DevServer, type Emulator, startDevServer, startEmulator } from '../harness/index.js';

// The audit role template must allow exactly what trailwarden calls: one real audit through the workflow
// against an organization that exercises every collector (an organization trail with insights, an
// aggregator in the management account and in a delegated administrator, Config rules with evaluations,
// tamper events, a discovery role with an external id); the proxy's call log is the truth.

const TEMPLATE = join(packageRoot, 'deploy', 'trailwarden-roles.yaml');
const REGIONS = ['eu-west-1', 'us-east-1'];
const NOT_PERMISSIONS = new Set(['sts:AssumeRole', 'sts:GetCallerIdentity']);

const configRegion = (rule: 'COMPLIANT' | 'NON_COMPLIANT') => ({
  recorder: { includeGlobalResourceTypes: true },
  deliveryChannel: {},
  rules: [
    {
      identifier: 'CLOUD_TRAIL_ENABLED',
      compliance: rule,
      resources: [{ type: 'AWS::::Account', id: 'self', compliance: rule, annotation: 'from the scenario' }],
    },
  ],
});

const scenario: Scenario = {
  regions: REGIONS,
  management: {
    trails: [
      {
        name: 'org-trail',
        homeRegion: 'us-east-1',
        organization: true,
        kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/org-trail',
        cloudWatchLogs: true,
        insightSelectors: ['ApiCallRateInsight'],
      },
    ],
    config: { 'us-east-1': configRegion('COMPLIANT'), 'eu-west-1': configRegion('COMPLIANT') },
    aggregators: [{ region: 'us-east-1', name: 'org-aggregator' }],
    events: [{ region: 'us-east-1', eventName: 'StopLogging', resourceName: 'org-trail', minutesAgo: 40 }],
  },
  ous: [
    {
      name: 'Security',
      accounts: [
        {
          key: 'security',
          tags: { owner: 'security' },
          delegatedConfigAdmin: true,
          aggregators: [{ region: 'eu-west-1', name: 'delegated-aggregator' }],
          trails: [
            {
              name: 'security-trail',
              homeRegion: 'eu-west-1',
              insightSelectors: ['ApiErrorRateInsight'],
              snsTopic: true,
            },
          ],
          config: { 'us-east-1': configRegion('NON_COMPLIANT'), 'eu-west-1': configRegion('COMPLIANT') },
          events: [
            {
              region: 'eu-west-1',
              eventName: 'StopConfigurationRecorder',
              resourceName: 'default',
              minutesAgo: 5,
            },
          ],
        },
      ],
    },
  ],
};

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  Principal?: { AWS?: unknown };
  Condition?: Record<string, Record<string, unknown>>;
}
interface Role {
  Type: string;
  Condition?: string;
  Properties: {
    AssumeRolePolicyDocument: { Statement: Statement[] };
    Policies: { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[];
    ManagedPolicyArns?: unknown;
  };
}
interface Template {
  Parameters: Record<string, { Default?: unknown; MinLength?: number }>;
  Resources: Record<string, Role>;
}

const template = parse(readFileSync(TEMPLATE, 'utf8')) as Template;

function actionsOf(role: Role): string[] {
  return role.Properties.Policies.flatMap((p) =>
    p.PolicyDocument.Statement.flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : [],
    ),
  );
}

const auditRole = template.Resources.AuditRole!;
const discoveryRole = template.Resources.DiscoveryRole!;

let emu: Emulator;
let server: DevServer;
let calls: RecordedCall[];
let report: Report;

beforeAll(async () => {
  [emu, server] = await Promise.all([startEmulator(scenario), startDevServer()]);
  emu.proxy.clearCalls();
  const management = emu.org.managementAccountId;
  ({ report } = await runAudit({
    server,
    emu,
    settings: testSettings(REGIONS, (s) => {
      s.organization.discoveryRoleArn = `arn:aws:iam::${management}:role/TrailWardenDiscovery`;
      s.audit.externalId = 'shared-external-id';
    }),
  }));
  calls = emu.proxy.calls();
});
afterAll(async () => {
  await Promise.all([emu?.stop(), server?.stop()]);
});

const op = (c: RecordedCall) => `${c.service}:${c.operation}`;
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

describe('deploy/trailwarden-roles.yaml', () => {
  it('is a template cfn-lint accepts', async () => {
    const lint = join(packageRoot, '.venv', 'bin', 'cfn-lint');
    const { stdout } = await promisify(execFile)(lint, [TEMPLATE]).catch(
      (err: { stdout?: string; stderr?: string }) => {
        throw new Error(`cfn-lint: ${err.stdout ?? ''}${err.stderr ?? ''}`);
      },
    );
    expect(stdout).toBe('');
  });

  it('the audit read everything without a single refused or failed call (so the log is complete)', () => {
    expect(report.status).toBe('COMPLETED');
    expect(report.findings.filter((f) => f.status === 'ERROR')).toEqual([]);
    expect(report.accounts.every((a) => a.status === 'ASSESSED')).toBe(true);
    expect(calls.filter((c) => c.status >= 400)).toEqual([]);
    // The scenario reached the collectors it is there for.
    const checks = new Set(report.findings.map((f) => f.checkId));
    for (const id of [
      'config.correlation',
      'config.org_aggregator',
      'cloudtrail.insights',
      'cloudtrail.tamper_events',
    ])
      expect(checks).toContain(id);
  });

  it('allows exactly the operations the audit called, audit role and discovery role together', () => {
    const called = sorted(calls.map(op).filter((o) => !NOT_PERMISSIONS.has(o)));
    const allowed = sorted([...actionsOf(auditRole), ...actionsOf(discoveryRole)]);
    expect(allowed).toEqual(called);
  });

  it('gives the audit role exactly what the audit calls inside a member account', () => {
    const member = emu.org.accounts.security!.id;
    const inMember = sorted(
      calls
        .filter((c) => c.accountId === member)
        .map(op)
        .filter((o) => !NOT_PERMISSIONS.has(o)),
    );
    expect(sorted(actionsOf(auditRole))).toEqual(inMember);
  });

  it('keeps Organizations calls to the discovery role, in the management account only', () => {
    const orgCalls = calls.filter((c) => c.service === 'organizations');
    expect(orgCalls.length).toBeGreaterThan(0);
    expect(new Set(orgCalls.map((c) => c.accountId))).toEqual(new Set([emu.org.managementAccountId]));
    expect(actionsOf(auditRole).filter((a) => a.startsWith('organizations:'))).toEqual([]);
    expect(sorted(actionsOf(discoveryRole).filter((a) => a.startsWith('organizations:')))).toEqual(
      sorted(orgCalls.map(op)),
    );
  });

  it('allows read-only actions only, named one by one, on no more than it needs', () => {
    for (const role of [auditRole, discoveryRole]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      for (const p of role.Properties.Policies) {
        for (const s of p.PolicyDocument.Statement) {
          expect(s.Effect).toBe('Allow');
          expect(s.NotAction).toBeUndefined();
          expect(s.Resource).toBe('*');
        }
      }
      for (const a of actionsOf(role)) {
        expect(a).toMatch(/^[a-z0-9]+:(Describe|Get|List|Lookup)[A-Za-z]+$/);
        expect(a).not.toContain('*');
      }
    }
  });

  it('lets both roles be assumed only from the auditing account and only with the external id', () => {
    expect(template.Parameters.ExternalId?.Default).toBeUndefined();
    expect(template.Parameters.ExternalId?.MinLength).toBeGreaterThanOrEqual(2);
    expect(template.Parameters.AuditingAccountId?.Default).toBeUndefined();
    for (const role of [auditRole, discoveryRole]) {
      const trust = role.Properties.AssumeRolePolicyDocument.Statement;
      expect(trust.length).toBeGreaterThan(0);
      for (const s of trust) {
        expect(s.Effect).toBe('Allow');
        expect(s.Action).toBe('sts:AssumeRole');
        expect(s.Principal?.AWS).toEqual({
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not JS.
          'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditingAccountId}:root',
        });
        expect(s.Condition).toEqual({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } });
      }
    }
    expect(discoveryRole.Condition).toBe('IsManagementAccount');
  });
});
