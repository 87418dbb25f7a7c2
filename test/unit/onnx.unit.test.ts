// `onnx`: traces find where a model and its export part, files are read and inspected without
// running them, sessions say what is wrong with an input; a truncated or damaged file is refused
// with a reason, never a crash. Exports checked by ONNX's own checker (python3-onnx) are in
// test/integration/onnxChecker.integration.test.ts.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIME, type TablePayload } from '../../contracts/mime';
import { nn, onnx } from '../../sdk';
import { toMimeBundle } from '../../sdk/display/bundle';

function cell(table: TablePayload, row: number, column: string): unknown {
  return table.rows[row]?.[table.columns.findIndex((c) => c.name === column)];
}

describe('onnx', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aielab-onnx-'));
    await nn.backend();
  });

  it('traces an nn model against its export layer by layer and finds the layer that was changed after export', async () => {
    nn.seed(5);
    const model = nn.sequential([
      nn.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
      nn.layers.dense({ units: 6, activation: 'tanh' }),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    const file = join(dir, 'traced.onnx');
    await onnx.export(model, file);
    const [, second] = model.layers;
    const [kernel, bias] = second!.getWeights();
    second!.setWeights([kernel!, bias!.add(0.5)]);
    const rows = Array.from({ length: 8 }, (_, i) => [i / 4, -i / 8, 1, i % 3]);
    const traced = await onnx.trace(model, file, rows, { tolerance: 1e-4 });
    assert.equal(traced.divergence?.tensor, second!.name);
    assert.equal(traced.divergence?.op, 'Dense');
    assert.ok((traced.steps[0]?.maxAbs as number) < 1e-5, 'the first layer still agrees');
    assert.equal(traced.steps.length, 3);
    await assert.rejects(
      onnx.trace(nn.sequential([nn.layers.dense({ units: 2, inputShape: [4] })]), file, rows),
      /no layer of the model has a tensor of its name in .*traced\.onnx/,
    );
  });

  it('keeps labels and preprocessing in the metadata, and shows what it checked', async () => {
    const model = nn.sequential([nn.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
    const file = join(dir, 'iris.onnx');
    const report = await onnx.export(model, file, {
      labels: ['setosa', 'versicolor', 'virginica'],
      preprocessing: { mean: [5.8, 3.0, 3.7, 1.2] },
    });
    const meta = onnx.read(file).metadata;
    assert.deepEqual(JSON.parse(meta.labels ?? ''), ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(JSON.parse(meta.preprocessing ?? ''), { mean: [5.8, 3.0, 3.7, 1.2] });
    assert.match(meta.framework ?? '', /^TensorFlow\.js 4\.\d+\.\d+/);
    assert.equal(report.parameters, model.countParams());
    const shown = toMimeBundle(report)[MIME.table] as TablePayload;
    assert.equal(shown.title, 'Exported to ONNX and checked with onnxruntime');
    assert.equal(cell(shown, 0, 'signature'), 'input [batch, 4] → output [batch, 3]');
  });

  it('inspects the weights and the classifier head, and diffs two models tensor by tensor', async () => {
    nn.seed(5);
    const make = () =>
      nn.sequential([
        nn.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }),
        nn.layers.dense({ units: 2, activation: 'softmax' }),
      ]);
    const before = make();
    await onnx.export(before, join(dir, 'before.onnx'), { labels: ['cat', 'dog'] });
    const kernel = before.layers[1]!.getWeights()[0]!;
    const values = Array.from(kernel.dataSync());
    const moved = kernel.add(0.5);
    before.layers[1]!.setWeights([moved, before.layers[1]!.getWeights()[1]!]);
    await onnx.export(before, join(dir, 'after.onnx'), { labels: ['cat', 'dog'] });
    await onnx.export(make(), join(dir, 'other.onnx'));

    const view = onnx.inspect(join(dir, 'before.onnx'));
    const stats = view.inspection.tensors.find((t) => t.name.endsWith('/kernel') && t.dims[1] === 2)!;
    assert.ok(Math.abs((stats.mean as number) - values.reduce((a, b) => a + b, 0) / values.length) < 1e-6);
    assert.equal(
      stats.histogram?.counts.reduce((a, b) => a + b, 0),
      8,
    );
    assert.equal(view.inspection.tensors.find((t) => t.name.endsWith('/bias') && t.dims[0] === 4)?.sparsity, 1, 'biases start at zero');
    const table = toMimeBundle(view)[MIME.table] as TablePayload;
    assert.match(table.title ?? '', /: 26 parameters, 2 MatMul, 2 Add, 1 Relu, 1 Softmax, 1 Identity$/);
    const head = view.inspection.head!;
    assert.deepEqual(
      head.classes.map((c) => c.label),
      ['cat', 'dog'],
    );
    const column = [0, 1, 2, 3].map((r) => values[r * 2 + 1] as number);
    assert.ok(Math.abs(head.classes[1]!.norm - Math.hypot(...column)) < 1e-6);
    assert.equal(head.classes[1]!.top[0]!.weight, Math.max(...column.map((v) => Math.fround(v))));

    const same = onnx.diff(join(dir, 'before.onnx'), join(dir, 'after.onnx')).diff;
    assert.deepEqual(
      same.tensors.map((t) => t.maxAbs > 0),
      [false, false, true, false],
      'only the head kernel moved',
    );
    assert.ok(Math.abs(same.tensors[2]!.maxAbs - 0.5) < 1e-6);
    const renamed = onnx.diff(join(dir, 'before.onnx'), join(dir, 'other.onnx')).diff;
    assert.equal(renamed.tensors.length, 4, 'differently numbered tensors pair up by shape');
    assert.match(renamed.tensors[0]!.name, /^dense_Dense\d+\/kernel ↔ dense_Dense\d+\/kernel$/);
  });

  it('refuses a recurrent layer after a masking Embedding, saying why', async () => {
    const model = nn.sequential([
      nn.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 5, maskZero: true }),
      nn.layers.gru({ units: 2 }),
    ]);
    await assert.rejects(
      onnx.export(model, join(dir, 'masked.onnx')),
      /\(GRU\) follows an Embedding with maskZero, so it skips padded steps, which ONNX's GRU cannot/,
    );
  });

  it('refuses a layer it cannot export, by name, and writes nothing', async () => {
    const model = nn.sequential([nn.layers.dense({ units: 4, inputShape: [3] }), nn.layers.layerNormalization()]);
    await assert.rejects(
      onnx.export(model, join(dir, 'norm.onnx')),
      /layer layer_normalization_LayerNormalization\d+ \(LayerNormalization\) is not supported yet\. Supported: Dense/,
    );
    assert.equal(existsSync(join(dir, 'norm.onnx')), false);
  });

  it('runs a loaded model on plain arrays and says what is wrong with an input', async () => {
    const model = nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [3] })]);
    const file = join(dir, 'small.onnx');
    await onnx.export(model, file);
    const session = await onnx.load(file);
    // The CUDA provider is a separate download onnxruntime-node's install script makes on request.
    const cuda = existsSync(
      join(require.resolve('onnxruntime-node/package.json'), '../bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'),
    );
    assert.equal(session.device, cuda ? 'cuda' : 'cpu');
    assert.equal((await onnx.load(file, { device: 'cpu' })).device, 'cpu');
    if (!cuda)
      await assert.rejects(
        onnx.load(file, { device: 'cuda' }),
        /device 'cuda' was asked for, but the CUDA provider of onnxruntime-node is not installed \(its install script fetches it: run `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js`/,
      );
    await assert.rejects(onnx.load(file, { device: 'gpu' as never }), /device "gpu" is not one of 'auto', 'cpu', 'cuda'/);
    const out = await session.run([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const rows = out.output as number[][];
    assert.equal(rows.length, 2);
    const expected = nn.predict(model, [
      [1, 2, 3],
      [0, 0, 0],
    ]);
    rows.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - (expected[i]?.[j] as number)) < 1e-6)));
    assert.deepEqual(await session.run({ input: [[1, 2, 3]] }).then((o) => (o.output as number[][]).length), 1);
    await assert.rejects(
      session.run([1, 2, 3]),
      /input input has shape \[3\]; the model expects \[batch, 3\].*One row\? Wrap it in a list: \[row\]\./,
    );
    await assert.rejects(session.run([[1, 2]]), /input input has shape \[1, 2\]; the model expects \[batch, 3\]/);
    await assert.rejects(
      session.run([
        [1, 2, 3],
        [4, 5],
      ]),
      /input input\[1\] has 2 values where its first row has 3/,
    );
    await assert.rejects(session.run([[1, 'x' as never, 3]]), /input input\[0\]\[1\] is "x", not a number/);
    await assert.rejects(
      session.run({ pixels: [[1, 2, 3]] }),
      /no input named pixels; missing input input\. The model takes input \(float32 \[batch, 3\]\)/,
    );
    const shown = toMimeBundle(session)[MIME.table] as TablePayload;
    assert.deepEqual(
      [0, 1].map((i) => ['kind', 'name', 'shape'].map((c) => cell(shown, i, c))),
      [
        ['input', 'input', '[batch, 3]'],
        ['output', 'output', '[batch, 2]'],
      ],
    );
  });

  it('refuses a truncated or damaged file with a reason, without crashing, in 200 tries', async () => {
    const good = readFileSync(join(dir, 'small.onnx'));
    const file = join(dir, 'damaged.onnx');
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from(good);
      if (i % 2) writeFileSync(file, bytes.subarray(0, Math.floor(random() * bytes.length)));
      else {
        for (let k = 0; k < 3; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        writeFileSync(file, bytes);
      }
      try {
        await onnx.load(file);
      } catch (error) {
        refused++;
        assert.match(
          (error as Error).message,
          /damaged\.onnx is not a readable ONNX model: .*|onnx\.load: onnxruntime cannot run .*damaged\.onnx: /,
        );
      }
    }
    assert.ok(refused > 150, `${refused} of 200 damaged files refused`);
    writeFileSync(file, 'not a model at all');
    await assert.rejects(
      onnx.load(file),
      /damaged\.onnx is not a readable ONNX model: .*Export it again \(onnx\.export\), or check that the whole file was copied\./,
    );
    await assert.rejects(
      onnx.load(join(dir, 'missing.onnx')),
      /onnx\.load: no file .*missing\.onnx\. Export one with onnx\.export\(model, ".*missing\.onnx"\)\./,
    );
  });
});
