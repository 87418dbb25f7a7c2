// Drives the VS Code workbench in headless Chromium the way a person does: by clicking what they
// would click. Selectors are VS Code 1.100's; toolbar buttons are found by their aria-label.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { ROOT, type CodeServer } from './codeServer';

export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    // Without the networking flags Chromium keeps calling home and a closed network refuses it.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly server: CodeServer,
  ) {}

  /**
   * Opens `folder` as the workspace in a fresh page and waits for its extension host: a notebook
   * opened before the host has read the extensions' contributions opens as plain text.
   */
  static async open(browser: Browser, server: CodeServer, folder: string, viewport = { width: 1400, height: 900 }): Promise<Workbench> {
    const hostsBefore = extensionHostsReady(server);
    const page = await browser.newPage({ viewport });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const deadline = Date.now() + 60_000;
    while (extensionHostsReady(server) <= hostsBefore) {
      if (Date.now() > deadline) throw new Error(`the extension host did not start within 60 s:\n${server.extensionHostLog()}`);
      await page.waitForTimeout(100);
    }
    await page.getByRole('tree').first().waitFor({ timeout: 30_000 });
    return new Workbench(page, server);
  }

  async close(): Promise<void> {
    await this.page.close();
  }

  /** Opens a file from the explorer, expanding the folders on its path. */
  async openFile(relativePath: string): Promise<void> {
    const parts = relativePath.split('/');
    for (const folder of parts.slice(0, -1)) {
      const item = this.page.getByRole('treeitem', { name: folder, exact: true });
      if ((await item.getAttribute('aria-expanded')) !== 'true') await item.click();
    }
    await this.page.getByRole('treeitem', { name: parts[parts.length - 1], exact: true }).dblclick();
  }

  /** The notebook toolbar names the selected kernel once the notebook is open and ours is picked. */
  async waitForKernel(name = 'AI Lab (TypeScript)'): Promise<void> {
    await this.page.locator('.notebook-toolbar-container', { hasText: name }).waitFor({ timeout: 60_000 });
  }

  /** Picks a kernel from the notebook's kernel picker, as a person switching kernels would. */
  async pickKernel(name = 'AI Lab (TypeScript)'): Promise<void> {
    await this.page.locator('.notebook-toolbar-container .codicon-notebook-kernel-select').first().click();
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
    await this.waitForKernel(name);
  }

  async runAll(): Promise<void> {
    await this.page.locator('.notebook-toolbar-container [aria-label^="Run All"]').first().click();
  }

  /** Runs one cell (0-based among all cells) with the run button beside it. */
  async runCell(index: number): Promise<void> {
    const row = this.page.locator('.notebook-editor .cell-list-container .monaco-list-row').nth(index);
    await row.hover();
    await row.locator('[aria-label^="Execute Cell ("]').first().click();
  }

  /** Runs cell `index` of a notebook too long for all its rows to be rendered: revealCell, then its run button. */
  async runRevealedCell(index: number, containing: string): Promise<void> {
    await this.revealCell(index);
    const row = this.page.locator('.notebook-editor .cell-list-container .monaco-list-row', { hasText: containing }).first();
    await row.hover();
    await row.locator('[aria-label^="Execute Cell ("]').first().click();
  }

  async interrupt(): Promise<void> {
    await this.page.locator('.notebook-toolbar-container [aria-label^="Interrupt"]').first().click();
  }

  async restartKernel(): Promise<void> {
    await this.page.locator('.notebook-toolbar-container [aria-label="Restart Kernel"]').first().click();
  }

  /** Runs a command by its title from the command palette. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    // Under load (a training redrawing its chart) a click on the command center is sometimes lost
    // and the palette never opens: click again rather than wait on it.
    for (let attempt = 1; ; attempt++) {
      await this.page.locator('.command-center .search-label, .command-center-center').first().click();
      const opened = await input.waitFor({ timeout: 8_000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (attempt === 4) throw new Error(`the command palette did not open for "${title}" after ${attempt} clicks on the command center`);
      await this.page.keyboard.press('Escape');
    }
    await input.fill(`>${title}`);
    // Click the command whose title is exactly this: Enter runs the best fuzzy match, and other
    // titles contain this one ("Developer: Reload Window With Extensions Disabled").
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const labels = await rows.evaluateAll((list) => list.map((row) => row.querySelector('.label-name')?.textContent?.trim() ?? ''));
      const index = labels.indexOf(title);
      if (index >= 0) {
        await rows.nth(index).click();
        return;
      }
      if (Date.now() > deadline) throw new Error(`the command palette has no command "${title}"; it shows: ${labels.join(' | ')}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Shows the AI Lab view container from the activity bar (a window may have restored it already). */
  async showLabExplorer(): Promise<void> {
    const container = this.page.locator('[id="workbench.view.extension.aielab"]').first();
    const item = this.page.locator('.activitybar .action-item a[aria-label^="AI Lab"]').first();
    await item.waitFor({ timeout: 30_000 });
    // Clicking the icon of the view container already shown would hide it.
    const shown = await container.waitFor({ timeout: 3000 }).then(
      () => true,
      () => false,
    );
    if (!shown) await item.click();
    await container.waitFor({ timeout: 30_000 });
  }

  /** Waits for a row of the Lab Explorer whose accessible name matches; returns that name. */
  async waitForLab(name: string | RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = await this.page
        .locator('[id="workbench.view.extension.aielab"] [role="treeitem"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
      const found = seen.find((label) => (typeof name === 'string' ? label.includes(name) : name.test(label)));
      if (found) return found;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no Lab Explorer row matched ${String(name)} within ${timeoutMs / 1000} s; rows were:\n${seen.join('\n')}`);
  }

  async clickLab(name: string): Promise<void> {
    await this.page.locator('[id="workbench.view.extension.aielab"] [role="treeitem"]', { hasText: name }).first().click();
  }

  /** Clicks an item of a cell's status bar (below the cell), e.g. "Show hint 1 of 2". */
  async clickCellStatus(text: string | RegExp): Promise<void> {
    await this.page.locator('.notebook-editor .cell-statusbar-container .cell-status-item', { hasText: text }).first().click();
  }

  async waitForCellStatus(text: string | RegExp): Promise<void> {
    await this.page
      .locator('.notebook-editor .cell-statusbar-container .cell-status-item', { hasText: text })
      .first()
      .waitFor({ timeout: 30_000 });
  }

  /** The text in a code cell's editor (0-based among all cells; the cell must be on screen). */
  async cellText(index: number): Promise<string> {
    const lines = this.page.locator('.notebook-editor .cell-list-container .monaco-list-row').nth(index).locator('.view-lines');
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Replaces a code cell's text by typing into its editor. */
  async setCellText(index: number, text: string): Promise<void> {
    await this.page.locator('.notebook-editor .cell-list-container .monaco-list-row').nth(index).locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(text);
    await this.page.keyboard.press('Escape');
  }

  /** Reloads the window as a person would (VS Code saves its layout first) and waits for the new one. */
  async reload(): Promise<void> {
    const loaded = this.page.waitForEvent('load', { timeout: 60_000 });
    await this.runCommand('Developer: Reload Window');
    await loaded;
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  }

  /**
   * Answers an open dialog, which code-server shows as a quick input holding a path: types the
   * path (a folder's with a trailing slash) and presses the dialog's accept button (labelled `accept`).
   */
  async answerOpenDialog(path: string, accept: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    // The dialog writes its starting folder into the input once it has listed it: type after that.
    await this.page
      .locator('.quick-input-list .monaco-list-row')
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
    for (let tries = 0; tries < 5 && (await input.inputValue()) !== path; tries++) {
      await input.fill(path);
      await this.page.waitForTimeout(400);
    }
    const button = this.page.locator('.quick-input-widget .monaco-button', { hasText: accept });
    if (await button.count()) await button.first().click();
    else await input.press('Enter');
  }

  /** Selects these files in the Explorer (the first clicked, the others added with Ctrl). */
  async selectInExplorer(names: string[]): Promise<void> {
    for (const [i, name] of names.entries()) await this.explorerRow(name).click({ modifiers: i ? ['Control'] : [] });
  }

  /** Right-clicks a file in the Explorer and picks an item of its context menu. */
  async explorerContextMenu(name: string, item: string): Promise<void> {
    await this.explorerRow(name).click({ button: 'right' });
    const entry = this.page.locator('.monaco-menu .action-label', { hasText: new RegExp(`^${item}$`) }).first();
    await entry.waitFor();
    // VS Code's menus act on mouse up over an item the pointer entered; a synthetic click can miss.
    await entry.hover();
    await this.page.waitForTimeout(200);
    await this.page.mouse.down();
    await this.page.mouse.up();
    await entry.waitFor({ state: 'detached', timeout: 5000 });
  }

  private explorerRow(name: string) {
    return this.page
      .locator('.explorer-folders-view .monaco-list-row', {
        has: this.page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
      })
      .first();
  }

  /** Waits for a notification toast with this text; returns its whole text. */
  async notification(text: string | RegExp): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    await toast.waitFor({ timeout: 60_000 });
    return toast.innerText();
  }

  /** Waits for a notification toast with this text and clicks one of its buttons. */
  async answerNotification(text: string | RegExp, button: string): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    await toast.waitFor({ timeout: 60_000 });
    const message = await toast.innerText();
    await toast.locator('.monaco-button', { hasText: button }).first().click();
    return message;
  }

  async statusBar(): Promise<string> {
    return (await this.page.locator('[id$="aielab.kernelStatus"]').first().innerText()).trim();
  }

  /** Waits for the status bar item with this id to show this text (or, with `gone`, to go). */
  async waitForStatusItem(id: string, text: string | RegExp, gone = false): Promise<string> {
    const item = this.page.locator(`[id$="${id}"]`, { hasText: text }).first();
    await item.waitFor({ state: gone ? 'detached' : 'visible', timeout: 60_000 });
    return gone ? '' : (await item.innerText()).trim();
  }

  async waitForStatus(text: string): Promise<void> {
    await this.page.locator('[id$="aielab.kernelStatus"]', { hasText: text }).first().waitFor({ timeout: 60_000 });
  }

  /**
   * The text of each cell's outputs, top to bottom: outputs live in the notebook's output webview
   * (an iframe), one container per cell that has outputs.
   */
  async outputs(): Promise<string[]> {
    for (const frame of this.page.frames()) {
      const texts = await outputsIn(frame);
      if (texts.length) return texts;
    }
    return [];
  }

  /**
   * Brings cell `index` (0-based; negative counts from the end) on screen the way a keyboard user
   * does: Focus First / Last Cell, then the arrow keys. VS Code renders only the cells, and the
   * outputs, near the viewport.
   */
  async revealCell(index: number): Promise<void> {
    const count = await this.cellCount();
    const target = index < 0 ? count + index : index;
    const fromEnd = target > count / 2;
    await this.runCommand(fromEnd ? 'Notebook: Focus Last Cell' : 'Notebook: Focus First Cell');
    const steps = fromEnd ? count - 1 - target : target;
    for (let i = 0; i < steps; i++) await this.page.keyboard.press(fromEnd ? 'ArrowUp' : 'ArrowDown');
    await this.page.waitForTimeout(300);
  }

  /** How many cells the notebook has, from the status bar's "Cell 1 of N". */
  async cellCount(): Promise<number> {
    const text = await this.page
      .locator('.statusbar-item', { hasText: /Cell \d+ of \d+/ })
      .first()
      .innerText();
    return Number(/of (\d+)/.exec(text)?.[1] ?? 0);
  }

  /** Scrolls the notebook by `pixels` (negative: up), as the mouse wheel does. */
  async scroll(pixels: number): Promise<void> {
    await this.page
      .locator('.notebook-editor .cell-list-container')
      .first()
      .hover({ position: { x: 20, y: 200 } });
    await this.page.mouse.wheel(0, pixels);
    await this.page.waitForTimeout(150);
  }

  /**
   * Waits until `expected` (text or regexp) shows among the rendered outputs; returns them.
   * With `reveal`, keeps that cell (see revealCell) on screen while waiting.
   */
  async waitForOutput(expected: string | RegExp, timeoutMs = 60_000, reveal?: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let last: string[] = [];
    while (Date.now() < deadline) {
      if (reveal !== undefined) await this.revealCell(reveal);
      last = await this.outputs();
      if (last.some((t) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t)))) return last;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no output matched ${String(expected)} within ${timeoutMs / 1000} s; outputs were:\n${last.join('\n---\n')}`);
  }

  /** The frame of a webview (an output area or a panel) that shows `selector`. */
  async frameWith(selector: string, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        // A frame still loading may not answer; do not let it hold up the others.
        const found = await Promise.race([frame.$(selector).catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
        if (found) return frame;
      }
      await this.page.waitForTimeout(200);
    }
    const pages = this.page
      .frames()
      .map((f) => new URL(f.url(), 'http://x').pathname.split('/').pop())
      .filter(Boolean);
    throw new Error(`no webview shows ${selector} within ${timeoutMs / 1000} s; frames: ${pages.join(', ')}`);
  }

  /** The titles of the editor tabs open in every group. */
  async tabTitles(): Promise<string[]> {
    return this.page.locator('.tabs-container .tab .label-name').allInnerTexts();
  }

  /** Brings the editor tab with this title to the front of its group. */
  async clickTab(title: string): Promise<void> {
    await this.page
      .locator('.tabs-container .tab', { has: this.page.locator('.label-name', { hasText: title }) })
      .first()
      .click();
  }

  /** Waits (a few seconds at most) until no cell shows the spinner of a running execution. */
  async cellsSettled(): Promise<void> {
    await this.page
      .locator('.notebook-editor .codicon-modifier-spin')
      .first()
      .waitFor({ state: 'detached', timeout: 5000 })
      .catch(() => undefined);
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  extensionHostLog(): string {
    return this.server.extensionHostLog();
  }
}

/** How many extension hosts (one per window) have finished starting their eager extensions. */
function extensionHostsReady(server: CodeServer): number {
  return server.extensionHostLog().split('Eager extensions activated').length - 1;
}

function outputsIn(frame: Frame): Promise<string[]> {
  return frame
    .evaluate(() => {
      const cells = [...document.querySelectorAll<HTMLElement>('.cell_container')]
        .filter((c) => c.querySelector('.output'))
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      return cells.map((c) => c.innerText.trim());
    })
    .catch(() => []);
}
