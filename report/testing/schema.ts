import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** Path of the committed JSON Schema, resolved from this file so tests work from any cwd. */
export const COMMITTED_SCHEMA_FILE = new URL('../schema/report.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;

/**
 * Validates JSON text against the committed schema file (not the zod schema), so tests prove that what the
 * product writes is what it publishes. Throws with ajv's error list on failure.
 */
export function assertMatchesCommittedSchema(json: string): void {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true });
    // ajv ships no format validators; the schema's date-time pattern already pins the format down, so this
    // one only has to exist and agree with Date.
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
    validator = ajv.compile(JSON.parse(readFileSync(COMMITTED_SCHEMA_FILE, 'utf8')));
  }
  if (!validator(JSON.parse(json))) {
    throw new Error(`JSON does not match report.schema.json: ${JSON.stringify(validator.errors, null, 2)}`);
  }
}
