// The Weight Inspector in a real VS Code: a notebook exports two versions of a classifier to ONNX;
// the panel opens one (its signature, weights with a histogram per tensor, the classifier head
// with class names) and, from the Explorer with both selected, shows how far each tensor moved;
// a saved model is exported from the command palette and opened there.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { notebookText as notebook } from '../helpers/notebooks';
import { useVsCode } from './vscode/suite';

const EXPORT = notebook(
  "import { nn, onnx } from 'aielab';\nconst make = (seed: number) => { nn.seed(seed); return nn.sequential([nn.layers.dense({ units: 12, activation: 'relu', inputShape: [6] }), nn.layers.dense({ units: 3, activation: 'softmax' })]); };\nawait onnx.export(make(1), 'before.onnx', { labels: ['ham', 'spam', 'phishing'] });\nawait onnx.export(make(2), 'after.onnx', { labels: ['ham', 'spam', 'phishing'] })",
);

const SAVE = notebook(
  "import { nn } from 'aielab';\nnn.seed(1);\nawait nn.save(nn.sequential([nn.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), nn.layers.dense({ units: 3, activation: 'softmax' })]), 'saved-model')",
);

describe('the Weight Inspector in VS Code', function () {
  this.timeout(180_000);
  const vscode = useVsCode();

  it('opens an exported .onnx with its weights, histograms and classifier head, and compares two from the Explorer', async () => {
    const wb = await vscode.open('export.aielab', EXPORT, { width: 1500, height: 1300 });
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForOutput(/Exported to ONNX and checked with onnxruntime/, 60_000);
    await wb.runCommand('AI Lab: Open Weight Inspector');
    let panel = await wb.frameWith('h2:has-text("Weight Inspector")');
    await panel.click('button:has-text("Open an .onnx file")');
    await wb.answerOpenDialog(join(vscode.folder, 'before.onnx'), 'Inspect');
    await panel.waitForSelector('h3:has-text("Classifier head: dense_Dense2/kernel + dense_Dense2/bias")', { timeout: 60_000 });
    const body = (await panel.textContent('body')) ?? '';
    assert.match(body, /123 parameters/);
    assert.match(body, /\[batch, 6\]/);
    assert.match(body, /2 × MatMul/);
    assert.match(body, /phishing/);
    await panel.click('td:has-text("dense_Dense2/kernel")');
    const histogram = await panel.waitForSelector('canvas[aria-label^="dense_Dense2/kernel: 36 values"]');
    assert.ok(histogram);
    await wb.screenshot('weight inspector - model');

    await wb.selectInExplorer(['after.onnx', 'before.onnx']);
    await wb.explorerContextMenu('before.onnx', 'Open in Weight Inspector');
    panel = await wb.frameWith('h3:has-text("Compared with after.onnx")', 60_000);
    // Tensors pair up by shape when the exporter numbered them differently.
    assert.match((await panel.textContent('body')) ?? '', /dense_Dense1\/kernel ↔ dense_Dense3\/kernel\s*\[6, 12\]/);
    assert.ok(await panel.$('canvas[aria-label^="Relative change per tensor"]'));
    await wb.screenshot('weight inspector - two models compared');
  });

  it('exports a saved model to ONNX from the command palette and opens it in the Weight Inspector', async () => {
    const wb = await vscode.open('save.aielab', SAVE, { width: 1500, height: 1100 });
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForOutput('saved-model', 60_000);
    await wb.runCommand('AI Lab: Export Model to ONNX');
    await wb.answerOpenDialog(`${join(vscode.folder, 'saved-model')}/`, 'Export This Model');
    await wb.answerOpenDialog(join(vscode.folder, 'iris.onnx'), 'Export');
    const message = await wb.answerNotification(/Wrote .*iris\.onnx/, 'Open in Weight Inspector');
    assert.match(message, /Checked with onnxruntime on 16 rows: outputs within \d\.\d\de-\d+ of the model's\./);
    assert.ok(existsSync(join(vscode.folder, 'iris.onnx')));
    const panel = await wb.frameWith('h3:has-text("iris.onnx")', 60_000);
    assert.match((await panel.textContent('body')) ?? '', /67 parameters/);
    await wb.screenshot('weight inspector - exported from the palette');
  });
});
