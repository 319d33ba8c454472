import { z } from 'zod';

/**
 * The audit report (spec/report.md, schemaVersion 1): the product's main machine-readable output and the
 * one object every renderer (terminal, CSV, Markdown, HTML, OCSF, ASFF) works from. The zod schema is the
 * source of truth; report/schema/report.schema.json is generated from it (`npm run schema`).
 */

const isoTime = z.iso.datetime({ offset: true });
const accountId = z.string().regex(/^\d{12}$/);
export const statusSchema = z.enum(['PASS', 'FAIL', 'WAIVED', 'ERROR']);
export const severitySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);
const errorSchema = z.object({ code: z.string(), message: z.string() });

export const findingKeySchema = z.object({
  checkId: z.string(),
  accountId: accountId.nullable(),
  region: z.string().nullable(),
  resourceArn: z.string().nullable(),
});

export const findingSchema = findingKeySchema.extend({
  status: statusSchema,
  severity: severitySchema,
  title: z.string(),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  compliance: z.array(z.string()),
  waiver: z.object({ reason: z.string(), expires: z.string() }).optional(),
});

export const regionStatusSchema = z.object({
  region: z.string(),
  status: z.enum(['ASSESSED', 'DISABLED', 'ERROR']),
  error: errorSchema.optional(),
});

export const accountReportSchema = z.object({
  accountId,
  name: z.string(),
  ouPath: z.string(),
  status: z.enum(['ASSESSED', 'NOT_ASSESSED', 'EXCLUDED']),
  error: errorSchema.optional(),
  regions: z.array(regionStatusSchema),
});

const changedSchema = findingKeySchema.extend({
  from: z.object({ status: statusSchema, severity: severitySchema }),
  to: z.object({ status: statusSchema, severity: severitySchema }),
});
const accountRegionSchema = z.object({ accountId, region: z.string() });

export const driftSchema = z.object({
  previousRunId: z.string(),
  /** FAIL now, and not FAIL (or absent) in the previous run. */
  newFailures: z.array(findingKeySchema),
  /** FAIL in the previous run, PASS or WAIVED now (or the subject is gone). */
  resolved: z.array(findingKeySchema),
  /** Present in both runs with a different status or severity (other than the two cases above). */
  changed: z.array(changedSchema),
  /** Account-regions covered (cloudtrail.region_coverage PASS) before and not now, and the reverse. */
  coverageLost: z.array(accountRegionSchema),
  coverageGained: z.array(accountRegionSchema),
});

export const summarySchema = z.object({
  byStatus: z.object({
    PASS: z.number().int(),
    FAIL: z.number().int(),
    WAIVED: z.number().int(),
    ERROR: z.number().int(),
  }),
  /** FAIL findings only. */
  bySeverity: z.record(severitySchema, z.number().int()),
  coverage: z.object({
    /** Audited account-regions (ASSESSED or ERROR; DISABLED ones excluded). */
    accountRegions: z.number().int(),
    /** Of those, covered by a logging trail (cloudtrail.region_coverage PASS). */
    covered: z.number().int(),
    ratio: z.number().min(0).max(1),
  }),
  /** 0-100; see SCORE_WEIGHTS. */
  score: z.number().min(0).max(100),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  status: z.enum(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED']),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  organization: z.object({ id: z.string(), managementAccountId: accountId }),
  scope: z.object({ regions: z.array(z.string()), accountCount: z.number().int() }),
  accounts: z.array(accountReportSchema),
  findings: z.array(findingSchema),
  summary: summarySchema,
  drift: driftSchema.nullable(),
  /** Waivers in the configuration whose expiry date has passed: they no longer apply. */
  expiredWaivers: z
    .array(
      z.object({
        check: z.string(),
        reason: z.string(),
        expires: z.string(),
        accounts: z.array(z.string()).optional(),
        ous: z.array(z.string()).optional(),
        regions: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

export type Report = z.infer<typeof reportSchema>;
export type ReportFinding = z.infer<typeof findingSchema>;
export type AccountReport = z.infer<typeof accountReportSchema>;
export type RegionStatus = z.infer<typeof regionStatusSchema>;
export type Drift = z.infer<typeof driftSchema>;
export type Summary = z.infer<typeof summarySchema>;
export type RunStatus = Report['status'];

/**
 * Score = 100 × (weighted PASS + WAIVED) ÷ (weighted PASS + WAIVED + FAIL + ERROR), each finding weighted
 * by its severity; 100 when there is nothing to weigh. ERROR counts against the score: what could not be
 * verified is not assumed to be fine.
 */
export const SCORE_WEIGHTS: Record<z.infer<typeof severitySchema>, number> = {
  critical: 10,
  high: 5,
  medium: 3,
  low: 1,
  info: 0,
};
