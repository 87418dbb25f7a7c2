// The Runs panel in a real VS Code: a notebook tracks a sweep, the panel lists its runs (sortable),
// compares the ticked ones metric by metric, and shows the registered model.
import { strict as assert } from 'node:assert';
import { notebookText as notebook } from '../helpers/notebooks';
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
    assert.match(await panel.textContent('body') ?? '', /quadrants\s*1\s*champion/);
    await wb.screenshot('runs panel - sweep compared');
  });
});
