// The Runs panel in a real VS Code: a notebook tracks a sweep, the panel lists its runs (sortable),
// compares the ticked ones metric by metric, and shows the registered model; a pipeline project made
// from the command palette trains with npm run train and its runs show the same way.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { notebookText as notebook } from '../helpers/notebooks';
import { learnerEnv } from '../helpers/learnerEnv';
import { useVsCode } from './vscode/suite';

const SWEEP = notebook(
  "import { track, nn } from 'aielab';\ntrack.experiment('lr search');\nconst result = await track.sweep({ lr: [0.3, 0.1, 0.03, 0.01, 0.003] }, async (p, { run }) => {\n  for (let epoch = 0; epoch < 6; epoch++) run.logMetric('loss', Number(p.lr) * 3 / (epoch + 1), epoch);\n  return { accuracy: 1 - Number(p.lr) };\n}, { metric: 'accuracy', name: 'lr' });\nawait track.run('champion', async (run) => {\n  const model = nn.sequential([nn.layers.dense({ units: 2, inputShape: [2] })]);\n  await run.logModel(model);\n  track.registerModel('quadrants', { run, alias: 'champion', description: 'best of the lr search' });\n});\nresult",
);

describe('runs in VS Code', function () {
  this.timeout(180_000);
  const vscode = useVsCode();

  it('lists tracked runs beside the notebook, sorts them, compares the ticked ones and shows the registry', async () => {
    const wb = await vscode.open('sweep.aielab', SWEEP, { width: 1500, height: 1200 });
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForOutput(/Sweep: 5 trials, best accuracy 0\.997/, 60_000);
    await wb.runCommand('AI Lab: Show Runs');
    const panel = await wb.frameWith('h2:has-text("Runs")');
    await panel.waitForSelector('text=lr · trial 5', { timeout: 30_000 });
    await panel.click('th:has-text("accuracy")');
    const first = await panel.$eval('tbody tr td:nth-child(2)', (td) => td.textContent);
    assert.equal(first, '↳ lr · trial 5', 'sorted by accuracy, best first');
    await panel.check('input[aria-label="Compare lr · trial 1"]');
    await panel.check('input[aria-label="Compare lr · trial 5"]');
    await panel.waitForSelector('text=Comparing 2 runs');
    const label = await panel.$eval('canvas[aria-label*="loss"]', (c) => c.getAttribute('aria-label'));
    assert.match(label ?? '', /lr · trial 1 \(6 points\)/);
    assert.match(label ?? '', /lr · trial 5 \(6 points\)/);
    await panel.waitForSelector('td:has-text("best of the lr search")');
    assert.match((await panel.textContent('body')) ?? '', /quadrants\s*1\s*champion/);
    await wb.screenshot('runs panel - sweep compared');
  });
});

describe('a pipeline project in VS Code', function () {
  this.timeout(420_000);
  const vscode = useVsCode();

  it('is made from the command palette, and its npm run train runs show and compare in the Runs panel', async () => {
    const wb = await vscode.openWorkspace({ width: 1500, height: 1100 });
    const project = join(vscode.folder, 'penguins');
    mkdirSync(project);
    await wb.runCommand('AI Lab: New ML Pipeline Project');
    await wb.answerOpenDialog(`${project}/`, 'Create Project Here');
    assert.match(await wb.notification(/Created an ML pipeline project/), /penguins\. Next: npm install, then npm run train\./);
    assert.ok(existsSync(join(project, 'src', 'pipeline.ts')), 'the project was written');
    for (const [command, ...args] of [
      ['npm', 'install', '--prefer-offline', '--no-audit', '--no-fund'],
      ['npm', 'run', 'train'],
    ] as const) {
      const ran = spawnSync(command, args, { cwd: project, encoding: 'utf8', timeout: 300_000, env: learnerEnv() });
      assert.equal(ran.status, 0, `${command} ${args.join(' ')}: ${ran.stdout}\n${ran.stderr}`);
    }
    const opened = await vscode.openFolder(project, { width: 1500, height: 1100 });
    await opened.runCommand('AI Lab: Show Runs');
    const panel = await opened.frameWith('h2:has-text("Runs")');
    await panel.waitForSelector('text=sweep · trial 6', { timeout: 30_000 });
    await panel.click('th:has-text("val_accuracy")');
    await panel.check('input[aria-label="Compare sweep · trial 1"]');
    await panel.check('input[aria-label="Compare sweep · trial 6"]');
    await panel.waitForSelector('text=Comparing 2 runs');
    const label = await panel.$eval('canvas[aria-label*="loss"]', (c) => c.getAttribute('aria-label'));
    assert.match(label ?? '', /sweep · trial 1 \(40 points\)/);
    // A score logged once per run is a bar per run: the sweep chose on validation accuracy.
    const accuracy = await panel.$eval('canvas[aria-label^="val_accuracy"]', (c) => c.getAttribute('aria-label'));
    assert.equal(accuracy, 'val_accuracy: val_accuracy (2 points)');
    assert.match((await panel.textContent('body')) ?? '', /penguins\s*1\s*champion/);
    await opened.screenshot('runs panel - pipeline project sweep compared');
  });
});
