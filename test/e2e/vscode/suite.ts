// Mocha hooks for a suite of e2e tests: one code-server and one browser for the suite, a fresh
// workspace folder per test (VS Code then restores nothing from an earlier test), and a
// screenshot of every test's final state in test-results/e2e/.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startCodeServer, type CodeServer } from './codeServer';
import { launchBrowser, Workbench } from './workbench';

export interface VsCodeSuite {
  readonly server: CodeServer;
  readonly browser: Browser;
  /** This test's workspace folder. */
  readonly folder: string;
  /** Opens the folder in a new window, the workbench the test's screenshot is taken of. */
  openWorkspace(viewport?: { width: number; height: number }): Promise<Workbench>;
  /** Opens another folder (in place of the window open now). */
  openFolder(path: string, viewport?: { width: number; height: number }): Promise<Workbench>;
  /** Writes `file` into the folder, opens the folder and then the file. */
  open(file: string, content: string, viewport?: { width: number; height: number }): Promise<Workbench>;
}

export function useVsCode(): VsCodeSuite {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let folder = '';
  let workbench: Workbench | undefined;

  before(async () => {
    [server, browser] = await Promise.all([startCodeServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'aielab-ws-'));
  });
  afterEach(async function () {
    await workbench?.cellsSettled();
    await workbench?.screenshot(this.currentTest?.fullTitle() ?? 'test');
    await workbench?.close();
    workbench = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  const suite: VsCodeSuite = {
    get server() {
      if (!server) throw new Error('code-server has not started');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser has not started');
      return browser;
    },
    get folder() {
      return folder;
    },
    async openWorkspace(viewport) {
      workbench = await Workbench.open(suite.browser, suite.server, folder, viewport);
      return workbench;
    },
    async openFolder(path, viewport) {
      await workbench?.close();
      workbench = await Workbench.open(suite.browser, suite.server, path, viewport);
      return workbench;
    },
    async open(file, content, viewport) {
      writeFileSync(join(folder, file), content);
      const wb = await suite.openWorkspace(viewport);
      await wb.openFile(file);
      return wb;
    },
  };
  return suite;
}
