import {
  failuresByCheck,
  keyLabel,
  notAssessedAccounts,
  percent,
  SEVERITY_ORDER,
  STATUS_ORDER,
  worstAccounts,
} from './common.js';
import type { Report } from './model.js';
import { displayWidth, padTo, sanitizeText, truncate } from './text.js';

export interface TerminalOptions {
  /** Emit ANSI colour; callers pass `process.stdout.isTTY`. */
  color: boolean;
  /** Maximum line width in columns (default 100); no line is longer. */
  width?: number;
  /** How many checks to list under "Failures by check" (default 10). */
  topChecks?: number;
  /** How many entries of each drift list to show (default 10); counts are always complete. */
  driftItems?: number;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan' | 'boldRed';
// Plain SGR codes rather than util.styleText: newer Node versions make styleText drop colour when stdout is
// not a TTY, and the caller has already decided.
const SGR: Record<Style, string> = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  magenta: '35',
  cyan: '36',
  boldRed: '1;31',
};

const SEVERITY_STYLE: Record<string, Style> = {
  critical: 'boldRed',
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'dim',
};
const STATUS_STYLE: Record<string, Style> = {
  PASS: 'green',
  FAIL: 'red',
  WAIVED: 'yellow',
  ERROR: 'magenta',
};

type Segment = string | [string, Style | undefined];

/** Renders a line of segments, cutting it at `width` columns before colouring so colour never counts. */
function line(segments: Segment[], width: number, color: boolean): string {
  let out = '';
  let used = 0;
  for (const seg of segments) {
    const [raw, style] = typeof seg === 'string' ? [seg, undefined] : seg;
    const text = sanitizeText(raw);
    const w = displayWidth(text);
    const room = width - used;
    const cut = w > room ? truncate(text, room) : text;
    out += color && style && cut ? `\u001b[${SGR[style]}m${cut}\u001b[0m` : cut;
    used += displayWidth(cut);
    if (w > room) break;
  }
  return out.trimEnd();
}

/** A human summary of the report for a terminal: what failed, where, and what could not be read. */
export function renderTerminal(report: Report, options: TerminalOptions): string {
  const width = Math.max(40, options.width ?? 100);
  const color = options.color;
  const topChecks = options.topChecks ?? 10;
  const driftItems = options.driftItems ?? 10;
  const out: string[] = [];
  const emit = (...segments: Segment[]) => out.push(line(segments, width, color));
  const heading = (text: string, note?: string) => {
    out.push('');
    emit([text, 'bold'], ...(note ? [[`  ${note}`, 'dim'] as Segment] : []));
  };
  const { summary } = report;

  emit(['trailwarden audit', 'bold'], `  run ${report.runId}  `, [
    report.status,
    report.status === 'COMPLETED' ? 'green' : 'yellow',
  ]);
  emit(
    `Organization ${report.organization.id} (management ${report.organization.managementAccountId})`,
    `  ${report.scope.accountCount} accounts × ${report.scope.regions.length} regions`,
  );
  emit(['Started ', 'dim'], report.startedAt, ['  finished ', 'dim'], report.finishedAt ?? 'not finished');
  out.push('');

  const scoreStyle: Style = summary.score >= 90 ? 'green' : summary.score >= 70 ? 'yellow' : 'red';
  emit(padTo('Score', 11), [`${summary.score.toFixed(1)} / 100`, scoreStyle]);
  const { coverage } = summary;
  emit(
    padTo('Coverage', 11),
    [percent(coverage.ratio), coverage.covered === coverage.accountRegions ? 'green' : 'red'],
    `  ${coverage.covered} of ${coverage.accountRegions} audited account-regions covered by a logging trail`,
  );
  const byAccountStatus = { ASSESSED: 0, NOT_ASSESSED: 0, EXCLUDED: 0 };
  for (const a of report.accounts) byAccountStatus[a.status] += 1;
  emit(
    padTo('Accounts', 11),
    `${byAccountStatus.ASSESSED} assessed  `,
    [
      `${byAccountStatus.NOT_ASSESSED} not assessed`,
      byAccountStatus.NOT_ASSESSED > 0 ? 'boldRed' : undefined,
    ],
    `  ${byAccountStatus.EXCLUDED} excluded`,
  );
  emit(
    padTo('Findings', 11),
    ...STATUS_ORDER.flatMap((s): Segment[] => [[s, STATUS_STYLE[s]], ` ${summary.byStatus[s]}  `]),
  );
  emit(
    padTo('Failures', 11),
    ...SEVERITY_ORDER.flatMap((s): Segment[] => [[s, SEVERITY_STYLE[s]], ` ${summary.bySeverity[s] ?? 0}  `]),
  );

  // Never truncated: an account that could not be read must not disappear from the summary.
  const notAssessed = notAssessedAccounts(report);
  if (notAssessed.length > 0) {
    heading(`NOT ASSESSED ACCOUNTS (${notAssessed.length})`, 'nothing in these accounts was checked');
    for (const a of notAssessed) {
      emit('  ', a.accountId, '  ', padTo(a.name, 40), '  ', a.ouPath);
      emit('                ', [
        a.error ? `${a.error.code}: ${a.error.message}` : 'no error recorded',
        'red',
      ]);
    }
  }

  const worst = worstAccounts(report, 5);
  if (worst.length > 0) {
    heading('WORST ACCOUNTS', 'FAIL findings weighted by severity, top 5');
    for (const w of worst) {
      emit(
        '  ',
        w.accountId,
        '  ',
        padTo(w.account?.name ?? '(unknown account)', 28),
        '  ',
        padTo(w.account?.ouPath ?? '', 26),
        '  ',
        [padTo(`${w.fails} FAIL`, 9), 'red'],
        `  weight ${w.weighted}`,
      );
    }
  }

  const byCheck = failuresByCheck(report);
  if (byCheck.length > 0) {
    const shown = byCheck.slice(0, topChecks);
    heading(
      'FAILURES BY CHECK',
      shown.length < byCheck.length ? `top ${shown.length} of ${byCheck.length} checks` : undefined,
    );
    const countWidth = Math.max(...shown.map((c) => String(c.findings.length).length));
    for (const c of shown) {
      emit(
        '  ',
        [padTo(c.severity.toUpperCase(), 9), SEVERITY_STYLE[c.severity]],
        String(c.findings.length).padStart(countWidth),
        '  ',
        padTo(c.checkId, 32),
        '  ',
        c.title,
      );
    }
  }

  const expired = report.expiredWaivers ?? [];
  if (expired.length > 0) {
    heading(`EXPIRED WAIVERS (${expired.length})`, 'no longer applied: their findings count again');
    for (const w of expired) {
      const where = [
        w.accounts?.length ? `accounts ${w.accounts.join(',')}` : '',
        w.ous?.length ? `OUs ${w.ous.join(',')}` : '',
        w.regions?.length ? `regions ${w.regions.join(',')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      emit(
        '  ',
        padTo(w.check, 32),
        '  ',
        [`expired ${w.expires}`, 'yellow'],
        '  ',
        where ? `${where}  ` : '',
        w.reason,
      );
    }
  }

  const drift = report.drift;
  if (drift) {
    heading(`DRIFT since ${drift.previousRunId}`);
    emit(
      '  ',
      [`${drift.newFailures.length} new failures`, drift.newFailures.length > 0 ? 'red' : undefined],
      '  ',
      [`${drift.resolved.length} resolved`, drift.resolved.length > 0 ? 'green' : undefined],
      `  ${drift.changed.length} changed  `,
      [`coverage lost ${drift.coverageLost.length}`, drift.coverageLost.length > 0 ? 'red' : undefined],
      `  gained ${drift.coverageGained.length}`,
    );
    const list = (items: { label: string; style: Style; text: string }[]) => {
      for (const item of items.slice(0, driftItems))
        emit('  ', [padTo(item.label, 12), item.style], item.text);
      if (items.length > driftItems) emit([`  … and ${items.length - driftItems} more`, 'dim']);
    };
    list(drift.newFailures.map((k) => ({ label: '+ new', style: 'red', text: keyLabel(k) })));
    list(drift.resolved.map((k) => ({ label: '- resolved', style: 'green', text: keyLabel(k) })));
    list(
      drift.changed.map((k) => ({
        label: '~ changed',
        style: 'yellow',
        text: `${keyLabel(k)}  ${k.from.status}/${k.from.severity} → ${k.to.status}/${k.to.severity}`,
      })),
    );
    list(
      drift.coverageLost.map((k) => ({ label: '↓ lost', style: 'red', text: `${k.accountId} ${k.region}` })),
    );
    list(
      drift.coverageGained.map((k) => ({
        label: '↑ gained',
        style: 'green',
        text: `${k.accountId} ${k.region}`,
      })),
    );
  }
  return `${out.join('\n')}\n`;
}
