// The extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven through Chromium:
// what a learner sees when opening, running, interrupting and restarting an .aielab notebook.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { notebookText as notebook } from '../helpers/notebooks';
import { freePort, ROOT } from './vscode/codeServer';
import { useVsCode } from './vscode/suite';

describe('AI Lab notebooks in VS Code', function () {
  this.timeout(180_000);
  const vscode = useVsCode();
  const open = (file: string, content: string) => vscode.open(file, content);

  it("selects the AI Lab kernel, runs all cells and shows their outputs, errors at the cell's own line", async () => {
    const wb = await open(
      'basics.aielab',
      notebook(
        '# Basics',
        "const greeting: string = 'hello from the kernel';\nconsole.log(greeting.toUpperCase());\ngreeting.length",
        "function fail(): never {\n  throw new TypeError('bad input');\n}\nfail();",
      ),
    );
    await wb.waitForKernel();
    assert.equal(await wb.statusBar(), 'AI Lab: not started');
    await wb.runAll();
    const outputs = await wb.waitForOutput('TypeError: bad input');
    assert.equal(outputs.length, 2);
    assert.match(outputs[0] ?? '', /^HELLO FROM THE KERNEL\s+21$/);
    assert.match(outputs[1] ?? '', /TypeError: bad input/);
    assert.match(outputs[1] ?? '', /at fail \(Cell 3:2:9\)/);
    assert.match(outputs[1] ?? '', /at Cell 3:4:1/);
    assert.match(outputs[1] ?? '', /> 2 \|\s+throw new TypeError\('bad input'\);/);
    await wb.waitForStatus('AI Lab: idle');
  });

  it('interrupts a cell stuck in while (true) {} and keeps its variables', async () => {
    const wb = await open('loop.aielab', notebook('let spins = 0;\nwhile (true) {\n  spins++;\n}', 'spins > 0'));
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForStatus('AI Lab: busy');
    await wb.page.waitForTimeout(1000);
    await wb.interrupt();
    const outputs = await wb.waitForOutput('Interrupted: The cell was interrupted.');
    assert.match(outputs[0] ?? '', /at Cell 1:2:14/);
    await wb.runCell(1);
    await wb.waitForOutput(/^true$/);
    await wb.waitForStatus('AI Lab: idle');
  });

  it('offers a restart when an interrupted cell does not stop', async () => {
    cpSync(join(ROOT, 'test', 'fixtures', 'notebooks', 'node_modules'), join(vscode.folder, 'node_modules'), { recursive: true });
    // After an await, a package's busy loop is out of the interrupt's reach.
    const wb = await open(
      'stuck.aielab',
      notebook("const counter = require('cjs-counter');\nawait null;\ncounter.spin();", "'fresh start'"),
    );
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForStatus('AI Lab: busy');
    await wb.interrupt();
    const message = await wb.answerNotification('did not stop', 'Restart Kernel');
    assert.match(message, /Cell 1 of stuck\.aielab did not stop\. It is busy in code the kernel cannot interrupt/);
    await wb.waitForOutput('KernelDied: The kernel was shut down (restarted or stopped).');
    await wb.runCell(1);
    await wb.waitForOutput("'fresh start'");
  });

  it('restarts the kernel from the command palette, clearing state', async () => {
    const wb = await open('restart.aielab', notebook('const kept = 42;\nkept', 'typeof kept'));
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForOutput(/^42$/);
    await wb.runCommand('AI Lab: Restart Kernel');
    await wb.waitForStatus('AI Lab: not started');
    await wb.runCell(1);
    await wb.waitForOutput("'undefined'");
  });

  it('restarts from the notebook toolbar, and reports a crashed kernel and starts a new one', async () => {
    const wb = await open('crash.aielab', notebook("console.log('bye');\nprocess.exit(3);", "'alive again'"));
    await wb.waitForKernel();
    await wb.pickKernel();
    await wb.runCell(0);
    const outputs = await wb.waitForOutput('KernelDied');
    assert.match(outputs[0] ?? '', /bye/);
    assert.match(outputs[0] ?? '', /process\.exit\(3\) was called at Cell 1:2:9/);
    assert.match(
      outputs[0] ?? '',
      /KernelDied: The kernel exited with code 3\. It happened while running Cell 1\.\nIts variables are gone; the next run starts a new kernel\./,
    );
    await wb.waitForStatus('AI Lab: stopped');
    await wb.runCell(1);
    await wb.waitForOutput("'alive again'");
    await wb.restartKernel();
    await wb.waitForStatus('AI Lab: not started');
  });

  it("shows output that a cell's timer prints after the cell finished, in that cell", async () => {
    const wb = await open('late.aielab', notebook("console.log('now');\nsetTimeout(() => console.log('later'), 1500);\n'done'", '1 + 1'));
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForOutput("'done'");
    const outputs = await wb.waitForOutput('later');
    assert.deepEqual(outputs, ["now\n\n'done'\nlater"]);
  });

  it('refuses a malformed .aielab with the reason and leaves the file byte for byte', async () => {
    const bytes = '{\n  "aielab": 1,\n  "cells": [\n    {"id": "a", "kind": "code", "source": "1"}\n    {"id": "b"}\n  ]\n}\n';
    const wb = await open('broken.aielab', bytes);
    const message = wb.page.getByText(/This \.aielab notebook cannot be opened: line 5, column 5: not valid JSON: expected ','/);
    await message.first().waitFor({ timeout: 60_000 });
    await wb.page.keyboard.press('Control+S');
    await wb.page.waitForTimeout(1500);
    assert.equal(readFileSync(join(vscode.folder, 'broken.aielab'), 'utf8'), bytes);
  });

  it('runs the first lab of the curriculum from the lab pack, top to bottom', async () => {
    cpSync(join(ROOT, 'labs'), vscode.folder, { recursive: true });
    const wb = await vscode.openWorkspace();
    await wb.openFile('module-1-foundations/lab-01-ai-lifecycle.aielab');
    await wb.waitForKernel();
    await wb.runAll();
    // Run All stops at a failing cell, so the last cell's output means every cell succeeded.
    await wb.waitForOutput('Quiz: 5 of 5 checks passed', 120_000, -2);
    await wb.waitForStatus('AI Lab: idle');
  });

  it('activates without errors in the extension host log', async () => {
    const wb = await open('quiet.aielab', notebook('1 + 1'));
    await wb.waitForKernel();
    await wb.runAll();
    await wb.waitForOutput(/^2$/);
    const log = wb.extensionHostLog();
    assert.match(log, /ExtensionService#_doActivateExtension ai-engineering-lab\.ai-engineering-lab/);
    const errors = log.split('\n').filter((line) => /\[error\]/.test(line) && /ai-engineering-lab|aielab/i.test(line));
    assert.deepEqual(errors, []);
  });

  it('npm start serves the lab pack in VS Code on loopback and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const start = spawn(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'test', 'e2e', 'vscode', 'start.ts')],
      { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let printed = '';
    start.stdout?.on('data', (d: Buffer) => (printed += d.toString()));
    const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
    try {
      while (!printed.includes('is running at')) await new Promise((r) => setTimeout(r, 100));
      assert.match(printed, new RegExp(`AI Engineering Lab is running at http://127\\.0\\.0\\.1:${port}/ with .*labs open\\.`));
      const page = await vscode.browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.getByRole('treeitem', { name: 'module-1-foundations', exact: true }).waitFor({ timeout: 60_000 });
      await page.getByRole('treeitem', { name: 'data', exact: true }).waitFor();
      await page.close();
    } finally {
      start.kill('SIGINT');
    }
    assert.equal(await exited, 0);
    assert.match(printed, /Stopping…/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'code-server is gone');
  });
});
