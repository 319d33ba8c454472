import {
  accountsById,
  COVERAGE_STATES,
  compareFindings,
  coverageMatrix,
  failuresByCheck,
  notAssessedAccounts,
  percent,
  SEVERITY_ORDER,
  STATUS_ORDER,
} from './common.js';
import type { Report, ReportFinding } from './model.js';
import { sanitizeText } from './text.js';

export interface MarkdownOptions {
  /** Rows per findings table before "… and N more" (default: all). Not-assessed accounts are never cut. */
  maxRowsPerSection?: number;
}

// Characters that would make Markdown or HTML out of account data. `<>&"` become entities, so no raw HTML
// can pass through; the rest are backslash-escaped (CommonMark allows that for any ASCII punctuation). `|`
// splits table cells, `$` starts math and `@` mentions on GitHub. Characters that only matter at the start
// of a line (`#`, `-`, `+`, digits) are left alone because every line starts with the renderer's own markup.
const MD_SPECIAL = /[\\`*_[\]()<>&"|~$@{}!]/g;
const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' };

/** Escapes untrusted text for Markdown inline or table-cell context, on one line. */
export function escapeMarkdown(s: string): string {
  return sanitizeText(s).replace(MD_SPECIAL, (c) => ENTITIES[c] ?? `\\${c}`);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  return [row(header.map(escapeMarkdown)), row(header.map(() => '---')), ...rows.map(row)];
}

/** A Markdown report: summary, coverage table, failures by check, not-assessed accounts, drift. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const max = options.maxRowsPerSection ?? Number.POSITIVE_INFINITY;
  const e = escapeMarkdown;
  const accounts = accountsById(report);
  const accountLabel = (id: string | null): string => {
    if (id === null) return 'organization';
    const a = accounts.get(id);
    return a ? `${e(a.name)} (${e(id)})` : e(id);
  };
  const out: string[] = [];
  const { summary } = report;

  out.push('# trailwarden audit report', '');
  out.push(
    `Run ${e(report.runId)} (${e(report.status)}) of organization ${e(report.organization.id)}, ` +
      `started ${e(report.startedAt)}, finished ${e(report.finishedAt ?? 'not finished')}. ` +
      `Scope: ${report.scope.accountCount} accounts × ${report.scope.regions.length} regions.`,
    '',
  );

  out.push('## Summary', '');
  const accountCounts = { ASSESSED: 0, NOT_ASSESSED: 0, EXCLUDED: 0 };
  for (const a of report.accounts) accountCounts[a.status] += 1;
  out.push(
    ...table(
      ['Score', 'Coverage', 'Assessed', 'Not assessed', 'Excluded', ...STATUS_ORDER],
      [
        [
          `${summary.score.toFixed(1)} / 100`,
          `${percent(summary.coverage.ratio)} (${summary.coverage.covered} of ${summary.coverage.accountRegions})`,
          String(accountCounts.ASSESSED),
          String(accountCounts.NOT_ASSESSED),
          String(accountCounts.EXCLUDED),
          ...STATUS_ORDER.map((s) => String(summary.byStatus[s])),
        ],
      ],
    ),
    '',
    'FAIL findings by severity:',
    '',
    ...table(SEVERITY_ORDER, [SEVERITY_ORDER.map((s) => String(summary.bySeverity[s] ?? 0))]),
    '',
  );

  const notAssessed = notAssessedAccounts(report);
  out.push(`## Accounts not assessed (${notAssessed.length})`, '');
  if (notAssessed.length === 0) out.push('Every in-scope account was assessed.', '');
  else {
    out.push(
      'Nothing in these accounts was checked.',
      '',
      ...table(
        ['Account', 'Name', 'OU', 'Error'],
        notAssessed.map((a) => [
          e(a.accountId),
          e(a.name),
          e(a.ouPath),
          a.error ? `${e(a.error.code)}: ${e(a.error.message)}` : 'no error recorded',
        ]),
      ),
      '',
    );
  }

  const matrix = coverageMatrix(report);
  const symbol = new Map(COVERAGE_STATES.map((s) => [s.state, s.symbol]));
  out.push('## Coverage', '');
  out.push(`Legend: ${COVERAGE_STATES.map((s) => `${s.symbol} ${e(s.label)}`).join(' · ')}`, '');
  out.push(
    ...table(
      ['OU', 'Account', ...matrix.regions],
      matrix.groups.flatMap((g) =>
        g.rows.map((r) => [
          e(g.ouPath),
          accountLabel(r.account.accountId),
          ...r.states.map((s) => symbol.get(s) ?? ''),
        ]),
      ),
    ),
    '',
  );

  const findingRows = (list: readonly ReportFinding[], extra?: (f: ReportFinding) => string[]): string[][] =>
    list
      .slice(0, max)
      .map((f) => [
        accountLabel(f.accountId),
        e(f.region ?? ''),
        e(f.resourceArn ?? ''),
        e(f.message),
        ...(extra ? extra(f) : []),
      ]);
  const more = (total: number): string[] => (total > max ? [`… and ${total - max} more.`, ''] : []);

  const groups = failuresByCheck(report);
  out.push(`## Failures by check (${summary.byStatus.FAIL})`, '');
  if (groups.length === 0) out.push('No failures.', '');
  for (const g of groups) {
    out.push(`### ${g.severity.toUpperCase()} · ${e(g.checkId)}: ${e(g.title)} (${g.findings.length})`, '');
    out.push(
      ...table(['Account', 'Region', 'Resource', 'Message'], findingRows(g.findings)),
      '',
      ...more(g.findings.length),
    );
  }

  const errors = report.findings.filter((f) => f.status === 'ERROR').sort(compareFindings);
  if (errors.length > 0) {
    out.push(`## Could not be evaluated (${errors.length})`, '');
    out.push(
      ...table(
        ['Check', 'Account', 'Region', 'Resource', 'Reason'],
        findingRows(errors).map((r, i) => [e(errors[i]!.checkId), ...r]),
      ),
      '',
      ...more(errors.length),
    );
  }

  const waived = report.findings.filter((f) => f.status === 'WAIVED').sort(compareFindings);
  if (waived.length > 0) {
    out.push(`## Waived (${waived.length})`, '');
    out.push(
      ...table(
        ['Check', 'Account', 'Region', 'Resource', 'Message', 'Waiver', 'Expires'],
        findingRows(waived, (f) => [e(f.waiver?.reason ?? ''), e(f.waiver?.expires ?? '')]).map((r, i) => [
          e(waived[i]!.checkId),
          ...r,
        ]),
      ),
      '',
      ...more(waived.length),
    );
  }

  const expired = report.expiredWaivers ?? [];
  if (expired.length > 0) {
    out.push(
      `## Expired waivers (${expired.length})`,
      '',
      'These no longer apply: their findings count again.',
      '',
    );
    out.push(
      ...table(
        ['Check', 'Expired', 'Reason', 'Accounts', 'OUs', 'Regions'],
        expired.map((w) => [
          e(w.check),
          e(w.expires),
          e(w.reason),
          e((w.accounts ?? []).join(', ')),
          e((w.ous ?? []).join(', ')),
          e((w.regions ?? []).join(', ')),
        ]),
      ),
      '',
    );
  }

  const drift = report.drift;
  out.push('## Drift', '');
  if (!drift) out.push('No previous run of this scope to compare with.', '');
  else {
    out.push(
      `Since run ${e(drift.previousRunId)}: ${drift.newFailures.length} new failures, ${drift.resolved.length} resolved, ` +
        `${drift.changed.length} changed, coverage lost in ${drift.coverageLost.length} and gained in ` +
        `${drift.coverageGained.length} account-regions.`,
      '',
    );
    const keyRows = (
      title: string,
      keys: readonly {
        checkId: string;
        accountId: string | null;
        region: string | null;
        resourceArn: string | null;
      }[],
    ) => {
      if (keys.length === 0) return;
      out.push(`### ${title} (${keys.length})`, '');
      out.push(
        ...table(
          ['Check', 'Account', 'Region', 'Resource'],
          keys
            .slice(0, max)
            .map((k) => [e(k.checkId), accountLabel(k.accountId), e(k.region ?? ''), e(k.resourceArn ?? '')]),
        ),
        '',
        ...more(keys.length),
      );
    };
    keyRows('New failures', drift.newFailures);
    keyRows('Resolved', drift.resolved);
    if (drift.changed.length > 0) {
      out.push(`### Changed (${drift.changed.length})`, '');
      out.push(
        ...table(
          ['Check', 'Account', 'Region', 'Resource', 'Was', 'Now'],
          drift.changed
            .slice(0, max)
            .map((k) => [
              e(k.checkId),
              accountLabel(k.accountId),
              e(k.region ?? ''),
              e(k.resourceArn ?? ''),
              `${k.from.status} ${k.from.severity}`,
              `${k.to.status} ${k.to.severity}`,
            ]),
        ),
        '',
        ...more(drift.changed.length),
      );
    }
    for (const [title, list] of [
      ['Coverage lost', drift.coverageLost],
      ['Coverage gained', drift.coverageGained],
    ] as const) {
      if (list.length === 0) continue;
      out.push(`### ${title} (${list.length})`, '');
      out.push(
        ...table(
          ['Account', 'Region'],
          list.slice(0, max).map((k) => [accountLabel(k.accountId), e(k.region)]),
        ),
        '',
      );
      out.push(...more(list.length));
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
