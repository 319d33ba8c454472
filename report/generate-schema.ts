import { z } from 'zod';
import { reportSchema } from './model.js';

/** Where the published schema lives, relative to the repository root. */
export const REPORT_SCHEMA_PATH = 'report/schema/report.schema.json';

/** The JSON Schema (draft 2020-12) of the report, generated from the zod schema in report/model.ts. */
export function reportJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(reportSchema, { target: 'draft-2020-12' });
  // $id and title first so readers of the file see what it is before the generated body.
  return {
    $schema: generated.$schema,
    $id: 'urn:trailwarden:report:schema:1',
    title: 'trailwarden audit report (schemaVersion 1)',
    description: 'Generated from report/model.ts by `npm run schema`; do not edit by hand.',
    ...generated,
  };
}

/** The schema file's exact text, as committed. */
export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
