import { type AsffOptions, renderAsff } from './asff.js';
import { renderCsv } from './csv.js';
import { type HtmlOptions, renderHtml } from './html.js';
import { renderJson } from './json.js';
import { type MarkdownOptions, renderMarkdown } from './markdown.js';
import type { Report } from './model.js';
import { renderOcsf } from './ocsf.js';
import { renderTerminal, type TerminalOptions } from './terminal.js';

export { type AsffFinding, type AsffOptions, renderAsff } from './asff.js';
export {
  COVERAGE_STATES,
  type CoverageMatrix,
  type CoverageState,
  coverageMatrix,
  failuresByCheck,
  worstAccounts,
} from './common.js';
export { CSV_COLUMNS, csvCell, renderCsv } from './csv.js';
export { REPORT_SCHEMA_PATH, reportJsonSchema, reportJsonSchemaText } from './generate-schema.js';
export { embedJson, escapeHtml, type HtmlOptions, renderHtml } from './html.js';
export { parseReport, ReportParseError, renderJson } from './json.js';
export { escapeMarkdown, type MarkdownOptions, renderMarkdown } from './markdown.js';
export * from './model.js';
export { OCSF_VERSION, type OcsfDetectionFinding, renderOcsf } from './ocsf.js';
export { renderTerminal, type TerminalOptions } from './terminal.js';

/** Output formats `trailwarden report --format` accepts. */
export const REPORT_FORMATS = ['json', 'md', 'csv', 'html', 'ocsf', 'asff', 'terminal'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Options for renderReport; each format reads only its own. */
export interface RenderOptions {
  terminal?: Partial<TerminalOptions>;
  markdown?: MarkdownOptions;
  html?: HtmlOptions;
  asff?: AsffOptions;
}

/** File extension conventionally used for each format. */
export const FORMAT_EXTENSIONS: Record<ReportFormat, string> = {
  json: 'json',
  md: 'md',
  csv: 'csv',
  html: 'html',
  ocsf: 'ocsf.json',
  asff: 'asff.json',
  terminal: 'txt',
};

/** Renders the report in one format as text; OCSF and ASFF become pretty JSON arrays. */
export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'md':
      return renderMarkdown(report, options.markdown);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report, options.html);
    case 'ocsf':
      return `${JSON.stringify(renderOcsf(report), null, 2)}\n`;
    case 'asff':
      return `${JSON.stringify(renderAsff(report, options.asff), null, 2)}\n`;
    case 'terminal':
      return renderTerminal(report, { color: false, ...options.terminal });
    default: {
      const unknown: never = format;
      throw new Error(`unknown report format: ${String(unknown)}`);
    }
  }
}
