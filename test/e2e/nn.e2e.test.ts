// Training in a real VS Code: nn.fit's chart grows in place while the cell runs, Interrupt stops
// training at the next batch and the model is still there to use, and the backend is reported.
import { strict as assert } from 'node:assert';
import { notebookText as notebook } from '../helpers/notebooks';
import { useVsCode } from './vscode/suite';

const TRAINING = notebook(
  "import { nn } from 'aielab';\nconst x = Array.from({ length: 512 }, (_, i) => [Math.sin(i), Math.cos(i * 1.7)]);\nconst y = x.map(([a, b]) => (a * b > 0 ? 1 : 0));\nnn.seed(0);\nconst model = nn.sequential([nn.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), nn.layers.dense({ units: 2, activation: 'softmax' })]);\nmodel.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });",
  "await nn.fit(model, x, y, { epochs: 2000, batchSize: 8, title: 'Quadrants' })",
  'const [p] = nn.predict(model, [[0.5, 0.5]]);\n`${p.length} probabilities summing to ${(p[0] + p[1]).toFixed(3)}`',
  'await nn.backend()',
);

describe('training in VS Code', function () {
  this.timeout(180_000);
  const vscode = useVsCode();

  /** The epoch the training chart shows, from its summary line. */
  async function epoch(outputs: string[]): Promise<number> {
    return Number(/epoch (\d+) \/ 2000/.exec(outputs.join('\n'))?.[1] ?? -1);
  }

  it('draws the training chart in place while it trains, and Interrupt keeps the model', async () => {
    const wb = await vscode.open('train.aielab', TRAINING, { width: 1400, height: 1200 });
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForStatus('AI Lab: idle');
    await wb.runCell(1);
    const first = await epoch(await wb.waitForOutput(/epoch [2-9]\d* \/ 2000/, 60_000, 1));
    await wb.page.waitForTimeout(2500);
    const outputs = await wb.outputs();
    const later = await epoch(outputs);
    assert.ok(later > first, `the chart went from epoch ${first} to ${later} while the cell ran`);
    assert.equal(outputs.filter((o) => o.includes('Quadrants')).length, 1, 'one chart, updated in place');
    const frame = await wb.frameWith('canvas[aria-label*="batch loss"]');
    assert.ok(await frame.$('canvas[aria-label*="acc"]'), 'accuracy is drawn beside the loss');
    await wb.screenshot('training - live chart');
    await wb.interrupt();
    await wb.waitForOutput('Interrupted: The cell was interrupted.');
    await wb.waitForOutput(/Quadrants[\s\S]*stopped/, 30_000, 1);
    await wb.runRevealedCell(2, 'nn.predict');
    await wb.waitForOutput('2 probabilities summing to 1.000');
    await wb.runRevealedCell(3, 'nn.backend');
    await wb.waitForOutput(/nn trains on (wasm|tensorflow)/);
    assert.match(await wb.statusBar(), /AI Lab: idle · (wasm|tensorflow)/, 'the status bar names the backend');
    await wb.revealCell(1);
    await wb.screenshot('training - interrupted, model kept');
  });
});
