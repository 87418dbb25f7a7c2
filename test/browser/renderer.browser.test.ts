// The notebook renderer (dist/renderer.js) in headless Chromium: a real DOM, real chart.js
// canvases, VS Code's theme variables, and screenshots in light, dark and high-contrast themes.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { MIME } from '../../contracts/mime';
import { chart, confusion, metrics, table } from '../../sdk';
import type { Rich } from '../../sdk/display/rich';
import { launchBrowser, SCREENSHOTS } from '../e2e/vscode/workbench';
import { ROOT } from '../helpers/paths';

const THEMES = {
  dark: {
    class: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc',
      '--vscode-editor-background': '#1e1e1e',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-lines': 'rgba(204,204,204,0.3)',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-editorWidget-background': '#252526',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-button-secondaryBackground': '#3a3d41',
      '--vscode-button-secondaryForeground': '#cccccc',
    },
  },
  light: {
    class: 'vscode-light',
    vars: {
      '--vscode-foreground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-charts-foreground': '#3b3b3b',
      '--vscode-charts-lines': 'rgba(59,59,59,0.3)',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-editorWidget-background': '#f3f3f3',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
    },
  },
  'high-contrast': {
    class: 'vscode-high-contrast',
    vars: {
      '--vscode-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-lines': '#ffffff',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#ff8c00',
      '--vscode-charts-green': '#89d185',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
    },
  },
};
type ThemeName = keyof typeof THEMES;

const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="outputs"></div>
<script type="module">
  import { activate } from '/renderer.js';
  window.posted = [];
  const renderer = activate({ postMessage: (m) => window.posted.push(m), onDidReceiveMessage: () => ({ dispose() {} }), workspace: { isTrusted: true }, getState() {}, setState() {}, getRenderer: async () => undefined, settings: {} });
  window.show = (id, mime, payload) => {
    let element = document.getElementById(id);
    if (!element) {
      element = document.createElement('div');
      element.id = id;
      element.style.margin = '12px';
      document.getElementById('outputs').append(element);
    }
    renderer.renderOutputItem({ id, mime, metadata: {}, json: () => payload, text: () => JSON.stringify(payload), data: () => new Uint8Array(), blob: () => new Blob() }, element);
  };
  window.ready = true;
</script></body></html>`;

function richPayload(rich: Rich, mime: string): unknown {
  return rich.data[mime];
}

describe('notebook renderer in Chromium', function () {
  this.timeout(60_000);
  let server: Server;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/renderer.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(readFileSync(join(ROOT, 'dist', 'renderer.js')));
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(PAGE);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    page.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  });
  afterEach(() => page.close());

  async function setTheme(name: ThemeName): Promise<void> {
    await page.evaluate((t) => {
      document.body.className = t.class;
      for (const [k, v] of Object.entries(t.vars)) document.body.style.setProperty(k, v);
      document.body.style.background = t.vars['--vscode-editor-background'];
    }, THEMES[name]);
  }

  async function show(id: string, mime: string, payload: unknown): Promise<void> {
    await page.evaluate(([i, m, p]) => (window as unknown as { show: (a: unknown, b: unknown, c: unknown) => void }).show(i, m, p), [
      id,
      mime,
      payload,
    ] as const);
  }

  it('pages and sorts a table of 100,000 rows', async () => {
    await setTheme('dark');
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      id: i,
      value: (i * 7919) % 100_003,
      name: `row ${i}`,
      flag: i % 3 === 0 ? null : i % 2 === 0,
    }));
    await show('big', MIME.table, richPayload(table(rows, { maxRows: 100_000, title: 'Big table' }), MIME.table));
    const firstColumn = () => page.$$eval('#big tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual((await firstColumn()).slice(0, 3), ['0', '1', '2']);
    assert.equal((await firstColumn()).length, 20);
    assert.match((await page.textContent('#big .aielab-toolbar')) ?? '', /Rows 1–20 of 100,000/);
    await page.click('#big button:has-text("Next")');
    assert.equal((await firstColumn())[0], '20');
    await page.click('#big th:has-text("value")');
    await page.click('#big th:has-text("value")');
    assert.equal(await page.getAttribute('#big th:has-text("value")', 'aria-sort'), 'descending');
    const top = await page.$$eval('#big tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.textContent?.replace(/,/g, ''))));
    assert.equal(top[0], 100_002);
    assert.ok(
      top.every((v, i) => i === 0 || v <= (top[i - 1] ?? Infinity)),
      'sorted descending',
    );
    await page.selectOption('#big select', '500');
    assert.equal((await firstColumn()).length, 500);
    assert.equal(await page.$$eval('#big tbody td.aielab-null', (tds) => tds.length > 0), true, 'nulls are shown as nulls');
  });

  it('draws every chart kind on a canvas, described for screen readers', async () => {
    await setTheme('dark');
    const charts = {
      line: chart.line({ loss: [0.9, 0.5, 0.3, 0.2], val_loss: [1, 0.6, 0.45, 0.4] }, { title: 'Loss', xLabel: 'epoch' }),
      bar: chart.bar({ setosa: 50, versicolor: 48, virginica: 52 }, { title: 'Counts' }),
      scatter: chart.scatter(
        {
          a: [
            [1, 2],
            [2, 3],
            [3, 5],
          ],
          b: [
            { x: 1, y: 1 },
            { x: 2, y: 1.5 },
          ],
        },
        { title: 'Scatter' },
      ),
      histogram: chart.histogram(
        Array.from({ length: 300 }, (_, i) => Math.sin(i) * 4),
        { bins: 12, title: 'Histogram' },
      ),
    };
    for (const [id, rich] of Object.entries(charts)) await show(id, MIME.chart, richPayload(rich, MIME.chart));
    for (const id of Object.keys(charts)) {
      const label = await page.getAttribute(`#${id} canvas`, 'aria-label');
      assert.ok(label && label.length > 5, `${id} has an aria-label`);
      const painted = await page.$eval(`#${id} canvas`, (canvas) => {
        const c = canvas as HTMLCanvasElement;
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        let opaque = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) opaque++;
        return opaque;
      });
      assert.ok(painted > 500, `${id} chart painted ${painted} pixels`);
    }
    assert.match((await page.getAttribute('#line canvas', 'aria-label')) ?? '', /Loss: loss \(4 points\), val_loss \(4 points\)/);
    await page.screenshot({ path: join(SCREENSHOTS, '..', 'renderer', 'charts-dark.png'), fullPage: true });
  });

  it('redraws an output in place when the kernel updates it, keeping the same canvas', async () => {
    await setTheme('dark');
    const progressPayload = (steps: number) => ({
      title: 'Training',
      unit: 'epoch',
      step: steps,
      total: 10,
      status: steps === 10 ? 'done' : 'running',
      elapsedMs: steps * 100,
      metrics: [{ name: 'loss', points: Array.from({ length: steps }, (_, i) => [i + 1, 1 / (i + 1)]) }],
    });
    await show('live', MIME.progress, progressPayload(3));
    await page.$eval('#live canvas', (c) => c.setAttribute('data-first', 'yes'));
    await show('live', MIME.progress, progressPayload(10));
    assert.equal(await page.getAttribute('#live canvas', 'data-first'), 'yes', 'the chart was updated, not rebuilt');
    assert.match((await page.getAttribute('#live canvas', 'aria-label')) ?? '', /loss \(10 points\)/);
    assert.match((await page.textContent('#live')) ?? '', /epoch 10 \/ 10.*done/);
    assert.equal(await page.$eval('#live .aielab-progress-fill', (e) => (e as HTMLElement).style.width), '100%');
  });

  it('shows metrics as cards with a per-class table, and a confusion matrix shaded per row', async () => {
    await setTheme('dark');
    await show(
      'm',
      MIME.metrics,
      richPayload(
        metrics(
          { accuracy: 0.956, f1: 0.9549 },
          { title: 'Test set', perClass: { setosa: { precision: 1, recall: 1 }, versicolor: { precision: 1, recall: 0.8667 } } },
        ),
        MIME.metrics,
      ),
    );
    assert.deepEqual(await page.$$eval('#m .aielab-card', (cards) => cards.map((c) => c.textContent)), ['accuracy0.956', 'f10.9549']);
    assert.deepEqual(await page.$$eval('#m tbody tr', (rows) => rows.map((r) => r.textContent)), ['setosa11', 'versicolor10.8667']);
    await show(
      'c',
      MIME.confusion,
      richPayload(
        confusion(
          [
            [15, 0, 0],
            [0, 13, 2],
            [0, 0, 15],
          ],
          ['setosa', 'versicolor', 'virginica'],
        ),
        MIME.confusion,
      ),
    );
    assert.equal(await page.$$eval('#c td.aielab-diagonal', (tds) => tds.map((t) => t.textContent).join(',')), '15,13,15');
    assert.equal(
      await page.getAttribute('#c tbody tr:nth-child(2) td:nth-of-type(3)', 'title'),
      'actual versicolor, predicted virginica: 2 (13.3% of versicolor)',
    );
  });

  it('shows a check cell’s result: each check with ✓ or ✗ and what is wrong', async () => {
    await setTheme('light');
    const payload = {
      title: 'Quiz',
      items: [
        { name: 'question 1', passed: true },
        { name: 'question 2', passed: false, message: "question 2: 'a' is not the right answer" },
      ],
      passed: 1,
      total: 2,
    };
    await show('chk', MIME.check, payload);
    assert.equal(await page.textContent('#chk .aielab-title'), 'Quiz: 1 of 2 checks passed');
    assert.deepEqual(await page.$$eval('#chk li', (items) => items.map((li) => [li.className, li.textContent])), [
      ['aielab-check-passed', '✓question 1'],
      ['aielab-check-failed', "✗question 2question 2: 'a' is not the right answer"],
    ]);
    assert.equal(await page.$$eval('#chk button:has-text("Pin to panel")', (b) => b.length), 0, 'check results are not pinned');
  });

  it('asks the extension to pin a chart when its button is pressed', async () => {
    await setTheme('dark');
    await show('pinme', MIME.chart, richPayload(chart.line([1, 2, 3]), MIME.chart));
    await page.click('#pinme button:has-text("Pin to panel")');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted), [
      { type: 'pin', outputId: 'pinme', mime: MIME.chart },
    ]);
    await show('notpinned', MIME.table, richPayload(table([{ a: 1 }]), MIME.table));
    assert.equal(await page.$$eval('#notpinned button:has-text("Pin to panel")', (b) => b.length), 0, 'tables are not pinned');
  });

  for (const name of ['light', 'dark', 'high-contrast'] as const) {
    it(`follows the ${name} theme`, async () => {
      await setTheme(name);
      await show(
        't',
        MIME.table,
        richPayload(
          table(
            [
              { species: 'setosa', count: 50 },
              { species: 'virginica', count: 52 },
            ],
            { title: 'Species' },
          ),
          MIME.table,
        ),
      );
      await show(
        'l',
        MIME.chart,
        richPayload(chart.line({ loss: [0.9, 0.5, 0.3], accuracy: [0.5, 0.8, 0.9] }, { title: 'Training' }), MIME.chart),
      );
      await show(
        'c',
        MIME.confusion,
        richPayload(
          confusion(
            [
              [9, 1],
              [2, 8],
            ],
            ['cat', 'dog'],
          ),
          MIME.confusion,
        ),
      );
      const text = await page.$eval('#t th', (th) => getComputedStyle(th).color);
      const expected = await page.evaluate((v) => {
        const probe = document.createElement('div');
        probe.style.color = v;
        document.body.append(probe);
        return getComputedStyle(probe).color;
      }, THEMES[name].vars['--vscode-foreground']);
      assert.equal(text, expected, 'table text uses the theme foreground');
      await page.screenshot({ path: join(SCREENSHOTS, '..', 'renderer', `theme-${name}.png`), fullPage: true });
    });
  }
});
