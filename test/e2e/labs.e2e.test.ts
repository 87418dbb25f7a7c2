// Lab packs in a real VS Code: the Lab Explorer with progress from check results (kept across a
// reload), hints and Reset on an exercise cell, lab notes, the curriculum pack's planned labs, and
// a broken labpack.json explained in the explorer and by the JSON schema.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from '../helpers/paths';
import { useVsCode } from './vscode/suite';

// One line: the editor indents and closes brackets after a typed newline.
const SOLUTION = 'const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;';

function aielab(...args: string[]): void {
  const ran = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stdout + ran.stderr);
}

describe('lab packs in VS Code', function () {
  this.timeout(240_000);
  const vscode = useVsCode();

  it('tracks a learner through a released lab: hints, checks, progress, reset, a lab note, a reload', async () => {
    const source = mkdtempSync(join(tmpdir(), 'aielab-source-'));
    try {
      aielab('new', 'pack', join(source, 'course'), '--title', 'Statistics 101');
      aielab('pack', 'release', join(source, 'course'), vscode.folder);
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
    const wb = await vscode.openWorkspace({ width: 1400, height: 1000 });
    await wb.showLabExplorer();
    assert.equal(await wb.waitForLab('The mean of a sample'), 'The mean of a sample, 10 minutes, not started');
    await wb.waitForLab('Lab notes');
    await wb.screenshot('lab explorer - a released pack, not started');

    await wb.clickLab('The mean of a sample');
    await wb.waitForKernel();
    await wb.waitForCellStatus('Exercise');
    await wb.waitForCellStatus('Check · 2 points');
    const cells = await wb.cellCount();
    await wb.clickCellStatus('Show hint 1 of 2');
    await wb.waitForCellStatus('Show hint 2 of 2');
    assert.equal(await wb.cellCount(), cells + 1, 'the hint is a new cell below the exercise');

    await wb.setCellText(2, SOLUTION);
    await wb.runAll();
    await wb.waitForOutput('2 of 2 checks passed', 60_000, -1);
    assert.match(await wb.waitForLab(/The mean of a sample, 10 minutes, passed 2\/2/), /passed/);
    await wb.screenshot('lab explorer - the lab passed, hint shown');

    await wb.revealCell(2);
    await wb.clickCellStatus('Reset');
    await wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Reset' }).first().click();
    await wb.page
      .waitForFunction(
        () => document.querySelectorAll('.notebook-editor .view-lines')[2]?.textContent?.includes('replace this line'),
        undefined,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    assert.match(await wb.cellText(2), /return 0; \/\/ replace this line/);

    await wb.runCommand('AI Lab: New Lab Note');
    const today = new Date().toISOString().slice(0, 10);
    await wb.waitForLab(`${today}-m1-l1.md`);
    assert.match(
      readFileSync(join(vscode.folder, 'notes', `${today}-m1-l1.md`), 'utf8'),
      /^---\ndate: \d{4}-\d\d-\d\d\nlab: m1-l1\nnotebook: \.\.\/module-1\/lab-01-mean\.aielab\n/,
    );
    await wb.page.keyboard.press('Control+S');

    await wb.reload();
    await wb.showLabExplorer();
    assert.match(await wb.waitForLab(/The mean of a sample/), /passed 2\/2/, 'progress is kept per workspace');
  });

  it('lists the curriculum with its planned labs, and opens a lab from the explorer', async () => {
    cpSync(join(ROOT, 'labs'), vscode.folder, { recursive: true });
    const wb = await vscode.openWorkspace({ width: 1400, height: 1000 });
    await wb.showLabExplorer();
    assert.equal(await wb.waitForLab('AI lifecycle'), 'AI lifecycle & terminology, 60 minutes, not started');
    assert.equal(await wb.waitForLab('AI tooling'), 'AI tooling landscape, 45 minutes, not started');
    assert.equal(await wb.waitForLab('Improving quality'), 'Improving quality across all labels, 90 minutes, not started');
    assert.equal(await wb.waitForLab('Fine-tuning'), 'Fine-tuning a language model with LoRA, 90 minutes, planned');
    await wb.clickLab('AI tooling landscape');
    await wb.waitForKernel();
    await wb.revealCell(7);
    await wb.waitForCellStatus('Solution');
    await wb.screenshot('lab explorer - the curriculum pack');
    const manifest = JSON.parse(readFileSync(join(vscode.folder, 'labpack.json'), 'utf8'));
    manifest.requires.aielab = '^9.0.0';
    writeFileSync(join(vscode.folder, 'labpack.json'), JSON.stringify(manifest, null, 2));
    await wb.page
      .getByText(/"AI Engineering & Data Science" needs AI Engineering Lab \^9\.0\.0; this is 0\.1\.0/)
      .first()
      .waitFor({ timeout: 30_000 });
  });

  it('runs the evaluation lab (M2-L5) with its charts, tables and checks', async () => {
    cpSync(join(ROOT, 'labs'), vscode.folder, { recursive: true });
    const wb = await vscode.openWorkspace({ width: 1400, height: 1400 });
    await wb.showLabExplorer();
    await wb.clickLab('Evaluation & metrics');
    await wb.waitForKernel();
    await wb.runAll();
    await wb.waitForOutput('Quiz: 3 of 3 checks passed', 120_000, -2);
    await wb.revealCell(14);
    const frame = await wb.frameWith('canvas[aria-label*="roc (AUC"]', 60_000);
    assert.ok(await frame.$('canvas[aria-label*="precision-recall (AP"]'), 'the precision-recall curve is drawn');
    await wb.screenshot('lab M2-L5 - ROC and precision-recall curves');
    await wb.revealCell(19);
    await wb.waitForOutput('Screening at your threshold');
    await wb.screenshot('lab M2-L5 - screening threshold check');
  });

  it('runs the data exploration lab (M2-L1): DataFrame tables, grouped plots and checks', async () => {
    cpSync(join(ROOT, 'labs'), vscode.folder, { recursive: true });
    const wb = await vscode.openWorkspace({ width: 1400, height: 1400 });
    await wb.showLabExplorer();
    await wb.clickLab('Data exploration');
    await wb.waitForKernel();
    await wb.runAll();
    await wb.waitForOutput('Quiz: 3 of 3 checks passed', 120_000, -2);
    await wb.revealCell(6);
    await wb.waitForOutput('8 rows × 5 columns');
    await wb.screenshot('lab M2-L1 - describe');
    await wb.revealCell(31);
    const frame = await wb.frameWith('canvas[aria-label*="body_mass_g by species"]', 60_000);
    assert.ok(await frame.$('canvas[aria-label*="body_mass_g against flipper_length_mm"]'), 'the scatter plot is drawn');
    await wb.screenshot('lab M2-L1 - plots by species');
  });

  it('explains a broken labpack.json in the explorer and, with the schema, in the editor', async () => {
    cpSync(join(ROOT, 'labs'), vscode.folder, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(vscode.folder, 'labpack.json'), 'utf8'));
    manifest.modules[0].labs[0].minute = manifest.modules[0].labs[0].minutes;
    delete manifest.modules[0].labs[0].minutes;
    writeFileSync(join(vscode.folder, 'labpack.json'), JSON.stringify(manifest, null, 2));
    const wb = await vscode.openWorkspace({ width: 1400, height: 1000 });
    await wb.showLabExplorer();
    assert.equal(
      await wb.waitForLab(/is not a labpack.json field/),
      'labpack.json: modules[0].labs[0].minute: is not a labpack.json field (check its spelling)',
    );
    await wb.clickLab('is missing');
    // The JSON language service validates with the schema the extension contributes.
    const problems = wb.page.locator('[id="status.problems"]');
    await wb.page.waitForFunction(() => /[1-9]/.test(document.querySelector('[id="status.problems"]')?.textContent ?? ''), undefined, {
      timeout: 30_000,
    });
    assert.match(await problems.innerText(), /[1-9]/);
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await wb.page
      .locator('.markers-panel .monaco-list-row', { hasText: /minute/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.screenshot('lab explorer - a broken labpack.json');
  });
});
