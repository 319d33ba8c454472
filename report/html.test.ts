import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { coverageMatrix } from './common.js';
import { embedJson, escapeHtml, htmlData, renderHtml } from './html.js';
import { HTML_CSS, HTML_JS } from './html-assets.js';
import { buildReport, HOSTILE } from './testing/fixture.js';

function dataBlock(html: string): string {
  const m = /<script type="application\/json" id="tw-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no data block');
  return m[1]!;
}

describe('escapeHtml / embedJson', () => {
  it('escapes HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('embeds JSON with no character that could close or alter the script block', () => {
    const value = { s: '</script><!-- <script> & \u2028\u2029', n: [1, null] };
    const text = embedJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('renderHtml', () => {
  const report = buildReport({ accounts: 10, regions: 3 });
  const html = renderHtml(report);
  const page = html.replace(dataBlock(html), '');

  it('has exactly two scripts (data and code) and no hostile markup anywhere', () => {
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    for (const s of [HOSTILE.imgTrail, HOSTILE.scriptName, HOSTILE.tagOwner, HOSTILE.userAgent, '<b>']) {
      expect(html).not.toContain(s);
    }
    expect(html).not.toMatch(/<img/i);
  });

  it('embeds the data so that it decodes back to the hostile strings', () => {
    const data = JSON.parse(dataBlock(html));
    const strings = JSON.stringify(data);
    for (const s of [
      HOSTILE.imgTrail,
      HOSTILE.scriptName,
      HOSTILE.formulaName,
      HOSTILE.tagOwner,
      HOSTILE.userAgent,
    ]) {
      expect(strings).toContain(JSON.stringify(s).slice(1, -1));
    }
    expect(data.findings).toHaveLength(report.findings.length);
  });

  it('is self-contained: no external reference, and a CSP that allows only its own script and style', () => {
    expect(page).not.toMatch(/\s(src|href|action|srcset)=/i);
    expect(page).not.toMatch(/url\(|@import|https?:\/\//i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(html)![1]!
      .replaceAll('&#39;', "'");
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(HTML_JS)}`);
    expect(csp).toContain(`style-src ${hash(HTML_CSS)}`);
    expect(html).toContain(`<script>${HTML_JS}</script>`);
    expect(html).toContain(`<style>${HTML_CSS}</style>`);
  });

  it('has a script that never writes markup from strings', () => {
    expect(HTML_JS).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|fetch\(|XMLHttpRequest/,
    );
    expect(HTML_JS).not.toContain('</script');
  });

  it('stores each check title, severity and compliance once, not per finding', () => {
    const data = htmlData(report);
    const checks = new Set(report.findings.map((f) => f.checkId));
    expect(data.kinds).toHaveLength(checks.size);
    expect(html.split('Region is covered by a logging trail')).toHaveLength(2);
    const trailArns = new Set(report.findings.map((f) => f.resourceArn).filter((a) => a !== null));
    expect(data.resources).toHaveLength(trailArns.size);
    expect(data.evidence.length).toBeLessThan(report.findings.length);
  });

  it('encodes one matrix state per account and region', () => {
    const data = htmlData(report);
    const matrix = coverageMatrix(report);
    const rows = data.matrix.flatMap((g) => g.rows);
    expect(rows).toHaveLength(report.accounts.length);
    expect(data.matrixColumns).toBe(report.scope.regions.length);
    const decoded = data.matrix.map((g) =>
      g.rows.map(([, s]) => [...s].map((c) => data.states[c.charCodeAt(0) - 97]!.state)),
    );
    expect(decoded).toEqual(matrix.groups.map((g) => g.rows.map((r) => r.states)));
  });

  it('writes the summary numbers into the page itself', () => {
    expect(page).toContain(`<div class="value">${report.summary.score.toFixed(1)}</div>`);
    expect(page).toContain(`>FAIL ${report.summary.byStatus.FAIL}<`);
    expect(page).toContain(`Accounts not assessed (<span id="not-assessed-count">1</span>)`);
  });
});
