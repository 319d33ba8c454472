import { z } from 'zod';

/**
 * The configuration file (spec/config.md). Parsed once, at the edge (CLI, worker); workflows receive
 * plain, already validated values. `configSchema(ids)` needs the catalog's check ids so that unknown ids
 * in `checks.disable` and waivers are rejected by name.
 */

const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const OU_PATH = /^\/[^/]+(\/[^/]+)*\/?$|^\/$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const severityEnum = z.enum(['critical', 'high', 'medium', 'low', 'info']);

function checkId(ids: readonly string[]) {
  return z.string().refine((v) => ids.includes(v), {
    error: (issue) => `unknown check id "${String(issue.input)}"; known ids: ${ids.join(', ')}`,
  });
}

const ouRef = z
  .string()
  .refine(
    (v) => OU_ID.test(v) || OU_PATH.test(v),
    'expected an OU id (ou-xxxx-xxxxxxxx, r-xxxx) or an OU path like /Workloads/Prod',
  );
const accountRef = z.string().regex(ACCOUNT_ID, 'expected a 12-digit AWS account id');
const regionRef = z.string().regex(REGION, 'expected an AWS region name like us-east-1');

/** A real calendar date in YYYY-MM-DD form. */
const isoDate = z
  .string()
  // abort: a value that is not even shaped like a date gets one message, not two.
  .regex(DATE, { error: 'expected a date as YYYY-MM-DD', abort: true })
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
  }, 'expected a real calendar date');

export function configSchema(checkIds: readonly string[]) {
  const waiver = z
    .object({
      check: checkId(checkIds),
      accounts: z.array(accountRef).optional(),
      ous: z.array(ouRef).optional(),
      regions: z.array(regionRef).optional(),
      reason: z.string().trim().min(1, 'a waiver needs a reason'),
      // YAML turns an unquoted 2027-03-31 into a Date; accept both spellings of the same day.
      expires: z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), isoDate),
    })
    .strict();

  return z
    .object({
      organization: z
        .object({
          discoveryRoleArn: z.string().regex(ROLE_ARN, 'expected an IAM role ARN').nullable().default(null),
          /** Read account tags during discovery (one Organizations call per account). */
          includeTags: z.boolean().default(true),
        })
        .strict()
        .default({ discoveryRoleArn: null, includeTags: true }),
      scope: z
        .object({
          includeOus: z.array(ouRef).default([]),
          excludeOus: z.array(ouRef).default([]),
          includeAccounts: z.array(accountRef).default([]),
          excludeAccounts: z.array(accountRef).default([]),
          regions: z
            .union([z.literal('enabled'), z.array(regionRef).min(1, 'list at least one region')])
            .default('enabled'),
        })
        .strict()
        .default({
          includeOus: [],
          excludeOus: [],
          includeAccounts: [],
          excludeAccounts: [],
          regions: 'enabled',
        }),
      audit: z
        .object({
          roleName: z.string().regex(ROLE_NAME, 'expected an IAM role name').default('TrailWardenAudit'),
          externalId: z
            .string()
            .regex(/^[\w+=,.@:/-]{2,1224}$/, 'expected 2-1224 characters of [A-Za-z0-9+=,.@:/-]')
            .nullable()
            .default(null),
          sessionDurationSeconds: z.number().int().min(900).max(43200).default(3600),
          maxConcurrentAccounts: z.number().int().min(1).max(1000).default(50),
          maxConcurrentCallsPerAccount: z.number().int().min(1).max(100).default(8),
          lookbackDays: z.number().int().min(1).max(90).default(7),
          staleDeliveryHours: z
            .number()
            .min(1)
            .max(24 * 30)
            .default(24),
          /** Region for global calls (Organizations, STS, EC2 DescribeRegions). */
          homeRegion: regionRef.default('us-east-1'),
        })
        .strict()
        .default({
          roleName: 'TrailWardenAudit',
          externalId: null,
          sessionDurationSeconds: 3600,
          maxConcurrentAccounts: 50,
          maxConcurrentCallsPerAccount: 8,
          lookbackDays: 7,
          staleDeliveryHours: 24,
          homeRegion: 'us-east-1',
        }),
      checks: z
        .object({ disable: z.array(checkId(checkIds)).default([]) })
        .strict()
        .default({ disable: [] }),
      waivers: z.array(waiver).default([]),
      alerts: z
        .object({
          minSeverity: severityEnum.default('high'),
          webhook: z
            .object({
              url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
              format: z.enum(['slack', 'generic']).default('generic'),
              /** Name of the environment variable holding the HMAC-SHA256 secret (generic format). */
              secretEnv: z
                .string()
                .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
                .optional(),
            })
            .strict()
            .optional(),
          sns: z
            .object({ topicArn: z.string().regex(SNS_ARN, 'expected an SNS topic ARN') })
            .strict()
            .optional(),
        })
        .strict()
        .default({ minSeverity: 'high' }),
      store: z
        .object({
          url: z
            .string()
            .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
            .optional(),
        })
        .strict()
        .default({}),
      temporal: z
        .object({
          address: z
            .string()
            .regex(/^[^\s:]+:\d+$/, 'expected host:port')
            .optional(),
          namespace: z.string().min(1).optional(),
          taskQueue: z.string().min(1).default('trailwarden'),
          /** Temporal client config profile (envconfig TOML), for TLS and API keys; null: none. */
          profile: z.string().min(1).nullable().optional(),
        })
        .strict()
        .default({ taskQueue: 'trailwarden' }),
      worker: z
        .object({
          /** Account activities one worker runs at once. */
          maxConcurrentActivities: z.number().int().min(1).max(2000).default(100),
          /** AWS calls in flight at once across the whole worker. */
          maxInFlightCalls: z.number().int().min(1).max(5000).default(400),
        })
        .strict()
        .default({ maxConcurrentActivities: 100, maxInFlightCalls: 400 }),
    })
    .strict();
}

export type TrailwardenConfig = z.infer<ReturnType<typeof configSchema>>;
export type Waiver = TrailwardenConfig['waivers'][number];
