import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REPORT_SCHEMA_PATH, reportJsonSchemaText } from './generate-schema.js';

// Runs compiled from dist/report/, so the repository root is two levels up from this file.
const target = fileURLToPath(new URL(`../../${REPORT_SCHEMA_PATH}`, import.meta.url));
writeFileSync(target, reportJsonSchemaText());
console.log(`wrote ${target}`);
