// The panels' pages (dist/charts-panel.js, dist/weights-panel.js) in headless Chromium, with a
// stand-in for VS Code's webview API: they draw from saved state alone, as after a reload.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { MIME } from '../../contracts/mime';
import { chart, metrics } from '../../sdk';
import type { Pin } from '../../contracts/panelMessages';
import { launchBrowser } from '../e2e/vscode/workbench';
import { ROOT } from '../helpers/paths';

function panelPage(script: string, state: unknown): string {
  const code = readFileSync(join(ROOT, 'dist', script), 'utf8');
  return `<!DOCTYPE html><html><body class="vscode-dark"><div id="root"></div>
<script>
  window.posted = [];
  window.acquireVsCodeApi = () => ({ getState: () => (${JSON.stringify(state)}), setState: (s) => (window.saved = s), postMessage: (m) => window.posted.push(m) });
</script>
<script>${code}</script></body></html>`;
}

const run = (n: number, payload: unknown) => ({ label: `run ${n} · 10:0${n}:00`, payload, outputId: `o${n}` });

describe('panels in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser?.close());
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    page.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
  });
  afterEach(() => page.close());

  it('Charts & Metrics draws saved pins at once, runs overlaid and compared', async () => {
    const pins: Pin[] = [
      {
        id: 'loss',
        title: 'lab.aielab · Cell 4',
        mime: MIME.chart,
        runs: [1, 2].map((n) => run(n, chart.line({ loss: [1, 0.5, 0.25].map((v) => v / n) }).data[MIME.chart])),
      },
      {
        id: 'scores',
        title: 'lab.aielab · Cell 7',
        mime: MIME.metrics,
        runs: [0.9, 0.95].map((accuracy, i) => run(i + 1, metrics({ accuracy }).data[MIME.metrics])),
      },
    ];
    await page.setContent(panelPage('charts-panel.js', { pins }));
    await page.waitForSelector('h2:has-text("Charts & Metrics")');
    assert.deepEqual(await page.$$eval('h3', (hs) => hs.map((h) => h.textContent)), ['lab.aielab · Cell 4', 'lab.aielab · Cell 7']);
    assert.equal(await page.getAttribute('canvas', 'aria-label'), 'line chart: loss (run 1 · 10:01:00) (3 points), loss (3 points)');
    assert.deepEqual(await page.$$eval('section:nth-of-type(2) table:first-of-type tbody tr', (rows) => rows.map((r) => r.textContent)), [
      'accuracy0.90.95',
    ]);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted), [{ type: 'ready' }]);
    await page.click('section:nth-of-type(1) button:has-text("Remove")');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted).then((p) => p[1]), {
      type: 'unpin',
      id: 'loss',
    });
  });

  it('Charts & Metrics redraws when the extension sends new pins, and saves them', async () => {
    await page.setContent(panelPage('charts-panel.js', undefined));
    await page.waitForSelector('text=Nothing pinned yet');
    const pins: Pin[] = [
      { id: 'p', title: 'x.aielab · Cell 1', mime: MIME.chart, runs: [run(1, chart.bar({ a: 1, b: 2 }).data[MIME.chart])] },
    ];
    await page.evaluate((p) => window.postMessage({ type: 'pins', pins: p }, '*'), pins);
    await page.waitForSelector('h3:has-text("x.aielab · Cell 1")');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { saved: unknown }).saved), { pins });
  });

  it('Weight Inspector shows its empty state', async () => {
    await page.setContent(panelPage('weights-panel.js', undefined));
    await page.waitForSelector('h2:has-text("Weight Inspector")');
    assert.match((await page.textContent('body')) ?? '', /No model is open\./);
  });
});
