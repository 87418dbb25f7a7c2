// Serving from VS Code: a notebook exports a classifier, "Serve Model" on the file in the Explorer
// starts `aielab serve` in the background (status bar item, notification with its address), the
// notebook calls it with serve.client, its API page and protocol endpoints answer, and "Stop
// Model Servers" stops it.
import { strict as assert } from 'node:assert';
import { notebookText as notebook } from '../helpers/notebooks';
import { useVsCode } from './vscode/suite';

const NOTEBOOK = notebook(
  "import { nn, onnx } from 'aielab';\nnn.seed(1);\nawait onnx.export(nn.sequential([nn.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]), 'iris.onnx', { labels: ['setosa', 'versicolor', 'virginica'] })",
  "// the server's address goes here",
);

describe('serving a model from VS Code', function () {
  this.timeout(180_000);
  const vscode = useVsCode();

  it('serves an .onnx from the Explorer in the background, answers the notebook and the protocol, and stops', async () => {
    const wb = await vscode.open('serve.aielab', NOTEBOOK, { width: 1500, height: 1000 });
    await wb.waitForKernel();
    await wb.runCell(0);
    await wb.waitForOutput(/Exported to ONNX and checked with onnxruntime/, 60_000);
    await wb.explorerContextMenu('iris.onnx', 'Serve Model');
    const message = await wb.notification(/Serving iris\.onnx at http:\/\/127\.0\.0\.1:\d+/);
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(message)?.[1] as string;
    const status = await wb.waitForStatusItem('aielab.modelServer', /Serving iris\.onnx :\d+/);
    assert.equal(status.replace(/^\W+/, ''), `Serving iris.onnx :${new URL(url).port}`);

    assert.deepEqual(await (await fetch(`${url}/v2/health/ready`)).json(), { ready: true });
    const docs = await (await fetch(`${url}/docs`)).text();
    assert.match(docs, /<h2>iris <small>versions 1<\/small><\/h2>/);
    assert.match(docs, /curl -d '\{&#34;inputs&#34;/);

    await wb.setCellText(1, `import { serve } from 'aielab';\nawait serve.client('${url}').predict([[5.1, 3.5, 1.4, 0.2]])`);
    await wb.runCell(1);
    // An array of records shows as a table: the predicted class, then a column per class probability.
    await wb.waitForOutput(
      /label\s+probabilities\.setosa\s+probabilities\.versicolor\s+probabilities\.virginica\s+(setosa|versicolor|virginica)(\s+0\.\d+){3}/,
      60_000,
    );
    await wb.cellsSettled();
    await wb.screenshot('model server - serving from the explorer');

    await wb.runCommand('AI Lab: Stop Model Servers');
    await wb.waitForStatusItem('aielab.modelServer', /Serving/, true);
    await assert.rejects(fetch(`${url}/v2/health/live`), /fetch failed/);
  });
});
