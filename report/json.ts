import { z } from 'zod';
import { type Report, reportSchema } from './model.js';

/** A report that is not valid JSON or does not match the schema; the message names the failing paths. */
export class ReportParseError extends Error {
  override readonly name = 'ReportParseError';
  constructor(
    message: string,
    /** The schema violations, when the text was JSON. */
    readonly issues: readonly z.core.$ZodIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

function validate(value: unknown, what: string): Report {
  const result = reportSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ReportParseError(`${what} is not a valid trailwarden report:\n${z.prettifyError(result.error)}`, [
    ...result.error.issues,
  ]);
}

/**
 * The report as pretty JSON. Passing it through the schema first puts keys in schema order (so output is
 * stable whatever order the store assembled them in) and drops stray keys the published schema forbids.
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(validate(report, 'The report to render'), null, 2)}\n`;
}

/** Parses and validates a JSON report (e.g. one written by `audit --json`). */
export function parseReport(text: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReportParseError(`The report is not JSON: ${(err as Error).message}`, [], { cause: err });
  }
  return validate(value, 'The report');
}
