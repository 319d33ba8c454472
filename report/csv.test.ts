import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, renderCsv } from './csv.js';
import { buildReport, HOSTILE } from './testing/fixture.js';

/** A strict RFC 4180 parser: CRLF records, `"`-quoted fields with `""` escapes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const m = /[,\r]/.exec(text.slice(i));
      const end = m ? i + m.index : text.length;
      cell = text.slice(i, end);
      if (cell.includes('"') || cell.includes('\n'))
        throw new Error(`bare quote or LF in unquoted cell: ${cell}`);
      i = end;
    }
    row.push(cell);
    if (text[i] === ',') i += 1;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (row.length > 0) throw new Error('last record not terminated by CRLF');
  return rows;
}

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=x', "'\t=x"],
    ['\r=x', `"'\r=x"`],
    [HOSTILE.formulaName, `"'=HYPERLINK(""http://x"")"`],
    ['a=b', 'a=b'],
    ['plain', 'plain'],
  ])('defuses formula triggers at the start: %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it('quotes commas, quotes and line breaks, and writes null as empty', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('renderCsv', () => {
  const report = buildReport({ accounts: 10, regions: 3 });
  report.findings[0]!.message = 'multi\r\nline, with "quotes"';
  const text = renderCsv(report);
  const rows = parseCsv(text);

  it('has the header and one row of 13 cells per finding', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(report.findings.length + 1);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('carries each finding with its account, compliance and waiver', () => {
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    report.findings.forEach((f, i) => {
      const r = rows[i + 1]!;
      expect(r[col('checkId')]).toBe(f.checkId);
      expect(r[col('status')]).toBe(f.status);
      expect(r[col('severity')]).toBe(f.severity);
      expect(r[col('accountId')]).toBe(f.accountId ?? '');
      expect(r[col('region')]).toBe(f.region ?? '');
      expect(r[col('resourceArn')]).toBe(f.resourceArn ?? '');
      expect(r[col('compliance')]).toBe(f.compliance.join(';'));
      expect(r[col('waiverReason')]).toBe(f.waiver?.reason ?? '');
      expect(r[col('waiverExpires')]).toBe(f.waiver?.expires ?? '');
      const account = report.accounts.find((a) => a.accountId === f.accountId);
      const name = account?.name ?? '';
      expect(r[col('accountName')]).toBe(/^[=+\-@\t\r]/.test(name) ? `'${name}` : name);
      expect(r[col('ouPath')]).toBe(account?.ouPath ?? '');
    });
    expect(rows[1]![col('message')]).toBe('multi\r\nline, with "quotes"');
    expect(rows.some((r) => r[col('status')] === 'WAIVED' && r[col('waiverExpires')] === '2027-06-30')).toBe(
      true,
    );
  });

  it('never leaves a cell that a spreadsheet would evaluate', () => {
    const cells = rows.flat();
    expect(cells).toContain(`'${HOSTILE.formulaName}`);
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
  });
});
