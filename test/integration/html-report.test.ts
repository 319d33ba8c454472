import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { coverageMatrix } from '../../report/common.js';
import { renderHtml } from '../../report/html.js';
import type { Report, ReportFinding } from '../../report/model.js';
import { buildReport, fixtureAccountId, HOSTILE } from '../../report/testing/fixture.js';

// The HTML report in a real browser, opened from file:// as a user would open a saved report.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = join(process.cwd(), 'test-results', 'html-report.png');

interface Opened {
  page: Page;
  url: string;
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

let browser: Browser;
let dir: string;
const opened: Opened[] = [];

function write(name: string, report: Report, pageSize?: number): string {
  const file = join(dir, name);
  writeFileSync(file, renderHtml(report, pageSize === undefined ? {} : { pageSize }));
  return pathToFileURL(file).href;
}

async function open(url: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const o: Opened = { page, url, requests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('request', (r) => o.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') o.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => o.pageErrors.push(e.message));
  page.on('dialog', (d) => {
    o.dialogs.push(d.message());
    void d.dismiss();
  });
  opened.push(o);
  await page.goto(url);
  await page.locator('html[data-ready="true"]').waitFor();
  return o;
}

/** Finding identity as the table shows it, for comparing row sets. */
function key(f: Pick<ReportFinding, 'checkId' | 'accountId' | 'region' | 'resourceArn'>): string {
  return [f.checkId, f.accountId ?? '', f.region ?? '', f.resourceArn ?? ''].join(' ');
}

async function tableKeys(page: Page): Promise<string[]> {
  const rows = await page
    .locator('#findings-body tr.finding')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-check'),
        tr.getAttribute('data-account'),
        tr.getAttribute('data-region'),
        tr.getAttribute('data-resource'),
      ]),
    );
  return rows.map((r) => r.join(' ')).sort();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  dir = mkdtempSync(join(tmpdir(), 'trailwarden-html-'));
});

afterEach(async () => {
  // Every page, whatever the test did: nothing but the file itself was loaded, and nothing went wrong.
  for (const o of opened.splice(0)) {
    expect(o.requests).toEqual([o.url]);
    expect(o.consoleErrors).toEqual([]);
    expect(o.pageErrors).toEqual([]);
    expect(o.dialogs).toEqual([]);
    await o.page.close();
  }
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('HTML report in Chromium', () => {
  const report = buildReport({ accounts: 10, regions: 3 });

  it('draws exactly one matrix cell per account-region, in the right state', async () => {
    const { page } = await open(write('small.html', report));
    const cells = await page
      .locator('#matrix td.cell')
      .evaluateAll((tds) =>
        tds.map((td) => [
          td.getAttribute('data-account'),
          td.getAttribute('data-region'),
          td.getAttribute('data-state'),
        ]),
      );
    expect(cells).toHaveLength(report.accounts.length * report.scope.regions.length);
    expect(new Set(cells.map(([a, r]) => `${a} ${r}`)).size).toBe(cells.length);
    const expected = coverageMatrix(report).groups.flatMap((g) =>
      g.rows.flatMap((row) => row.states.map((s, j) => [row.account.accountId, report.scope.regions[j], s])),
    );
    expect(cells).toEqual(expected);
    const states = new Set(cells.map((c) => c[2]));
    for (const s of ['covered', 'not-covered', 'waived', 'error', 'disabled', 'not-assessed', 'excluded']) {
      expect(states).toContain(s);
    }
    expect(await page.locator('.legend [data-state]').count()).toBe(8);
  });

  it('narrows the findings table to exactly the rows a filter selects', async () => {
    const { page } = await open(write('small.html', report));
    expect(await page.locator('#findings-body tr.finding').count()).toBe(report.findings.length);

    await page.locator('#f-severity').selectOption({ label: 'high' });
    await page.locator('#f-status').selectOption({ label: 'FAIL' });
    const highFails = report.findings.filter((f) => f.severity === 'high' && f.status === 'FAIL');
    expect(highFails.length).toBeGreaterThan(3);
    expect(await tableKeys(page)).toEqual(highFails.map(key).sort());
    await expect(page.locator('#findings-count').textContent()).resolves.toContain(
      `Showing ${highFails.length} of ${highFails.length} matching`,
    );

    await page.locator('#f-severity').selectOption({ label: 'All' });
    await page.locator('#f-check').selectOption('cloudtrail.region_coverage');
    await page
      .locator('#f-account')
      .selectOption({ label: `${HOSTILE.formulaName} (${fixtureAccountId(1)})` });
    const narrowed = report.findings.filter(
      (f) =>
        f.status === 'FAIL' &&
        f.checkId === 'cloudtrail.region_coverage' &&
        f.accountId === fixtureAccountId(1),
    );
    expect(narrowed).toHaveLength(1);
    expect(await tableKeys(page)).toEqual(narrowed.map(key));

    await page.locator('#f-reset').click();
    await page.locator('#f-search').fill('onerror');
    const mentioning = report.findings.filter((f) =>
      `${f.resourceArn} ${f.message}`.toLowerCase().includes('onerror'),
    );
    expect(await tableKeys(page)).toEqual(mentioning.map(key).sort());
  });

  it('filters to an account-region when its matrix cell is clicked', async () => {
    const { page } = await open(write('small.html', report));
    const [account, region] = [fixtureAccountId(8), report.scope.regions[0]!];
    await page.locator(`#matrix td.cell[data-account="${account}"][data-region="${region}"]`).click();
    const expected = report.findings.filter((f) => f.accountId === account && f.region === region);
    expect(await tableKeys(page)).toEqual(expected.map(key).sort());
    expect(await page.locator('#findings-body tr.finding[data-status="WAIVED"]').count()).toBe(1);
  });

  it('shows the evidence of a clicked row, hostile strings as literal text, and hides it on a second click', async () => {
    const { page } = await open(write('small.html', report));
    await page.locator('#f-status').selectOption({ label: 'FAIL' });
    const finding = report.findings.find(
      (f) => f.checkId === 'cloudtrail.trail_logging' && f.accountId === fixtureAccountId(2),
    )!;
    expect(finding.resourceArn).toContain(HOSTILE.imgTrail);
    const row = page.locator(
      `#findings-body tr.finding[data-check="cloudtrail.trail_logging"][data-account="${fixtureAccountId(2)}"]`,
    );
    await expect(row.getAttribute('data-resource')).resolves.toBe(finding.resourceArn);
    await expect(row.locator('td.res').textContent()).resolves.toBe(`trail/${HOSTILE.imgTrail}`);
    await row.click();
    const detail = page.locator('#findings-body tr.detail');
    await expect(detail.count()).resolves.toBe(1);
    expect(JSON.parse((await detail.locator('pre.evidence').textContent()) ?? '')).toEqual(finding.evidence);
    await expect(detail.textContent()).resolves.toContain(HOSTILE.imgTrail);
    await expect(row.getAttribute('aria-expanded')).resolves.toBe('true');

    // The hostile strings are text everywhere: no element was made from them.
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('b').count()).toBe(0);
    await expect(page.locator('#matrix').textContent()).resolves.toContain(HOSTILE.scriptName);
    await expect(page.locator('#not-assessed').textContent()).resolves.toContain(HOSTILE.errorMessage);

    mkdirSync(join(process.cwd(), 'test-results'), { recursive: true });
    // From the top, so sticky table headers sit where a reader scrolling the page would see them.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await row.click();
    await expect(detail.count()).resolves.toBe(0);
    await expect(row.getAttribute('aria-expanded')).resolves.toBe('false');
  });

  it('renders a large table a page at a time', async () => {
    const big = buildReport({ accounts: 60, regions: 3 });
    expect(big.findings.length).toBeGreaterThan(1000);
    const { page } = await open(write('big.html', big, 500));
    const rows = page.locator('#findings-body tr.finding');
    const more = page.locator('#show-more');
    expect(await rows.count()).toBe(500);
    await more.click();
    expect(await rows.count()).toBe(1000);
    await more.click();
    expect(await rows.count()).toBe(big.findings.length);
    await expect(more.isHidden()).resolves.toBe(true);
    // A new filter starts again from the first page.
    await page.locator('#f-status').selectOption({ label: 'PASS' });
    const passes = big.findings.filter((f) => f.status === 'PASS').length;
    expect(passes).toBeGreaterThan(500);
    expect(await rows.count()).toBe(500);
    await expect(page.locator('#findings-count').textContent()).resolves.toContain(
      `Showing 500 of ${passes.toLocaleString('en-US')} matching`,
    );
  });

  it('shows drift, expired waivers and every not-assessed account', async () => {
    const { page } = await open(write('small.html', report));
    const d = report.drift!;
    expect(await page.locator('#drift tr[data-drift="new"]').count()).toBe(d.newFailures.length);
    expect(await page.locator('#drift tr[data-drift="lost"]').count()).toBe(d.coverageLost.length);
    expect(await page.locator('#drift tr[data-drift="changed"]').count()).toBe(d.changed.length);
    await expect(page.locator('#expired').textContent()).resolves.toContain(
      'Legacy trail, migration <planned>',
    );
    const notAssessed = report.accounts.filter((a) => a.status === 'NOT_ASSESSED').map((a) => a.accountId);
    const shown = await page
      .locator('#not-assessed tr[data-account]')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-account')));
    expect(shown).toEqual(notAssessed);
  });
});
