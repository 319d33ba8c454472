import { accountsById } from './common.js';
import type { Report } from './model.js';

/** CSV columns, in order. */
export const CSV_COLUMNS = [
  'checkId',
  'status',
  'severity',
  'accountId',
  'accountName',
  'ouPath',
  'region',
  'resourceArn',
  'title',
  'message',
  'compliance',
  'waiverReason',
  'waiverExpires',
] as const;

// Spreadsheets evaluate a cell starting with these as a formula (CSV injection); tab and CR too, because
// some strip them and then see the next character.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula triggers defused with a leading `'`, then RFC 4180 quoting where needed. */
export function csvCell(value: string | null | undefined): string {
  let s = value ?? '';
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One row per finding, in report order, with a header row; CRLF line ends as RFC 4180 says. */
export function renderCsv(report: Report): string {
  const accounts = accountsById(report);
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const f of report.findings) {
    const account = f.accountId === null ? undefined : accounts.get(f.accountId);
    rows.push(
      [
        f.checkId,
        f.status,
        f.severity,
        f.accountId,
        account?.name,
        account?.ouPath,
        f.region,
        f.resourceArn,
        f.title,
        f.message,
        f.compliance.join(';'),
        f.waiver?.reason,
        f.waiver?.expires,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}
