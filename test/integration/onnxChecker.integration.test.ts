// `onnx` against ONNX's own checker (Debian's python3-onnx, which CI installs): nn models, linear
// models, tree ensembles and int8 quantisations exported as ONNX match the model in onnxruntime,
// and the checker, with full shape inference, accepts every file. In test/integration because
// each check runs python3.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIME, type TablePayload } from '../../contracts/mime';
import { ml, nn, onnx } from '../../sdk';
import { toMimeBundle } from '../../sdk/display/bundle';
import { loadLabCsv } from '../helpers/labData';

const python = '/usr/bin/python3';

/** ONNX's checker with full shape inference; CI must have it, elsewhere the check says it did not run. */
function checkWithOnnx(file: string): string | undefined {
  const ran = existsSync(python)
    ? spawnSync(
        python,
        ['-c', 'import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("valid")', file],
        { encoding: 'utf8' },
      )
    : undefined;
  const missing = !ran
    ? 'no /usr/bin/python3'
    : ran.stderr.includes("No module named 'onnx'")
      ? 'python3-onnx is not installed'
      : undefined;
  if (missing) {
    assert.ok(!process.env.CI, `CI must check with python3-onnx: ${missing}`);
    return missing;
  }
  assert.equal(ran?.stdout.trim(), 'valid', ran?.stderr);
  return undefined;
}

/** Rows a model takes: token ids for an Embedding, small numbers otherwise. */
function sampleRows(model: ReturnType<typeof nn.sequential>): number[][] {
  const [, ...dims] = (model.inputs[0]?.shape ?? []) as number[];
  const embedding = model.layers[0]?.getClassName() === 'Embedding' ? Number(model.layers[0].getConfig().inputDim) : 0;
  const make = (shape: number[], seed: number): never =>
    (shape.length
      ? Array.from({ length: shape[0] as number }, (_, i) => make(shape.slice(1), seed * 31 + i))
      : embedding
        ? seed % embedding
        : Math.sin(seed)) as never;
  return Array.from({ length: 6 }, (_, i) => make(dims, i + 1));
}

describe('onnx files, checked by ONNX', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aielab-onnx-'));
    await nn.backend();
  });

  const models = {
    'an MLP with dropout and softmax': () =>
      nn.sequential([
        nn.layers.dense({ units: 16, activation: 'relu', inputShape: [10] }),
        nn.layers.dropout({ rate: 0.5 }),
        nn.layers.dense({ units: 8, activation: 'swish' }),
        nn.layers.dense({ units: 3, activation: 'softmax' }),
      ]),
    'an embedding with average pooling': () =>
      nn.sequential([
        nn.layers.embedding({ inputDim: 200, outputDim: 16, inputLength: 30 }),
        nn.layers.globalAveragePooling1d(),
        nn.layers.dense({ units: 1, activation: 'sigmoid' }),
      ]),
    'a 1-D CNN with pooling and batch normalisation': () =>
      nn.sequential([
        nn.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 20 }),
        nn.layers.conv1d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
        nn.layers.maxPooling1d({ poolSize: 2 }),
        nn.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2, dilationRate: 1, activation: 'tanh' }),
        nn.layers.globalMaxPooling1d(),
        nn.layers.batchNormalization(),
        nn.layers.dense({ units: 2, activation: 'softmax' }),
      ]),
    'a GRU reading token ids (last state)': () =>
      nn.sequential([
        nn.layers.embedding({ inputDim: 40, outputDim: 6, inputLength: 9 }),
        nn.layers.gru({ units: 5 }),
        nn.layers.dense({ units: 2, activation: 'softmax' }),
      ]),
    'a bidirectional LSTM returning every step': () =>
      nn.sequential([
        nn.layers.bidirectional({ layer: nn.layers.lstm({ units: 4, returnSequences: true }), inputShape: [7, 3] }),
        nn.layers.globalAveragePooling1d(),
        nn.layers.dense({ units: 1 }),
      ]),
    'a bidirectional GRU and a SimpleRNN': () =>
      nn.sequential([
        nn.layers.embedding({ inputDim: 30, outputDim: 4, inputLength: 6 }),
        nn.layers.bidirectional({ layer: nn.layers.gru({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' }) }),
        nn.layers.simpleRNN({ units: 4, activation: 'relu' }),
        nn.layers.dense({ units: 2, activation: 'tanh' }),
      ]),
    'numbers through Conv1D on channels': () =>
      nn.sequential([
        nn.layers.conv1d({ filters: 3, kernelSize: 2, inputShape: [12, 2], activation: 'elu' }),
        nn.layers.flatten(),
        nn.layers.dense({ units: 2, activation: 'relu6' }),
      ]),
  };

  for (const [what, make] of Object.entries(models)) {
    it(`exports ${what}: onnxruntime's outputs match within 1e-4, and ONNX's checker accepts the file`, async () => {
      nn.seed(3);
      const model = make();
      const file = join(dir, `${what.replace(/\W+/g, '-')}.onnx`);
      const report = await onnx.export(model, file);
      assert.ok(report.maxAbsDiff < 1e-4, `max diff ${report.maxAbsDiff}`);
      assert.equal(report.sampleRows, 16);
      checkWithOnnx(file);
      const read = onnx.read(file);
      // The model's weights (batch normalisation folded into a scale and a shift), plus any constants.
      assert.equal(
        report.parameters,
        read.weights.reduce((n, w) => n + w.size, 0),
      );
      assert.equal(read.inputs[0]?.shape[0], 'batch', 'the batch size is free');
      assert.deepEqual(read.opsets, { 'ai.onnx': 13 });
      // Layer by layer, TensorFlow.js and the file agree; every layer that computes something is compared.
      const traced = await onnx.trace(model, file, sampleRows(model));
      assert.equal(traced.divergence, undefined, traced.steps.map((s) => `${s.tensor} ${s.maxAbs}`).join(', '));
      assert.deepEqual(
        traced.steps.map((s) => s.tensor),
        model.layers.filter((l) => !/Dropout/.test(l.getClassName())).map((l) => l.name),
      );
    });
  }

  it('exports logistic regression, alone and after scalers in a Pipeline: the same probabilities as predictProba, class names kept', async () => {
    const { X, y } = loadLabCsv('iris.csv', 'species');
    const models = {
      logistic: new ml.LogisticRegression({ C: 2 }).fit(X, y),
      scaled: new ml.Pipeline([new ml.StandardScaler(), new ml.MinMaxScaler(), new ml.LogisticRegression()]).fit(X, y),
    };
    for (const [name, model] of Object.entries(models)) {
      const file = join(dir, `${name}.onnx`);
      const report = await onnx.export(model, file, { sample: X.slice(0, 40) });
      assert.ok(report.maxAbsDiff < 1e-5, `${name}: ${report.maxAbsDiff}`);
      checkWithOnnx(file);
      assert.deepEqual(JSON.parse(onnx.read(file).metadata.labels ?? ''), ['setosa', 'versicolor', 'virginica']);
      const session = await onnx.load(file);
      const probabilities = (await session.run(X.slice(100, 103))).output as number[][];
      assert.deepEqual(
        probabilities.map((p) => ['setosa', 'versicolor', 'virginica'][p.indexOf(Math.max(...p))]),
        model.predict(X.slice(100, 103)),
      );
    }
    await assert.rejects(
      onnx.export(new ml.GaussianNB().fit(X, y), join(dir, 'nb.onnx')),
      /onnx\.export: GaussianNB is not supported yet; export handles LogisticRegression, DecisionTreeClassifier and RandomForestClassifier, alone or after StandardScaler and MinMaxScaler in a Pipeline\./,
    );
    await assert.rejects(
      onnx.export({} as never, join(dir, 'nothing.onnx')),
      /onnx\.export takes an nn model or an ml classifier, not Object\./,
    );
  });

  it('exports decision trees and random forests as ONNX-ML tree ensembles: the same probabilities on every row, two classes or three', async () => {
    const { X, y } = loadLabCsv('iris.csv', 'species');
    const binary = y.map((label) => (label === 'virginica' ? 'virginica' : 'other'));
    const models = {
      tree: new ml.DecisionTreeClassifier({ maxDepth: 4 }).fit(X, y),
      'deep tree, two classes': new ml.DecisionTreeClassifier().fit(X, binary),
      forest: new ml.RandomForestClassifier({ trees: 25, seed: 4 }).fit(X, y),
      'scaled forest, two classes': new ml.Pipeline([
        new ml.StandardScaler(),
        new ml.RandomForestClassifier({ trees: 10, maxDepth: 3 }),
      ]).fit(X, binary),
    };
    for (const [name, model] of Object.entries(models)) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.onnx`);
      const report = await onnx.export(model, file, { sample: X });
      assert.ok(report.maxAbsDiff < 1e-5, `${name}: ${report.maxAbsDiff}`);
      checkWithOnnx(file);
      const read = onnx.read(file);
      assert.deepEqual(read.opsets, { 'ai.onnx': 13, 'ai.onnx.ml': 1 });
      assert.ok(
        read.nodes.some((n) => n.op === 'TreeEnsembleClassifier'),
        name,
      );
      const probabilities = (await (await onnx.load(file)).run(X)).output as number[][];
      const labels = model.classes.map(String);
      assert.deepEqual(
        probabilities.map((p) => labels[p.indexOf(Math.max(...p))]),
        model.predict(X).map(String),
        name,
      );
    }
    // A model made elsewhere reads its leaves' class weights through the same default sample.
    const plain = await onnx.export(new ml.DecisionTreeClassifier({ maxDepth: 2 }).fit(X, y), join(dir, 'plain-tree.onnx'));
    assert.equal(plain.sampleRows, 16);
  });

  it('quantises MatMul and embedding weights to int8 (3× smaller, close to fp32), compares the two and traces where they part', async () => {
    nn.seed(9);
    const mlp = nn.sequential([
      nn.layers.dense({ units: 64, activation: 'relu', inputShape: [200] }),
      nn.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    const emb = nn.sequential([
      nn.layers.embedding({ inputDim: 2000, outputDim: 8, inputLength: 10 }),
      nn.layers.globalAveragePooling1d(),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    for (const [name, model] of [
      ['q-mlp', mlp],
      ['q-emb', emb],
    ] as const) {
      const fp32 = join(dir, `${name}.onnx`);
      const int8 = join(dir, `${name}.int8.onnx`);
      await onnx.export(model, fp32, { labels: name === 'q-mlp' ? ['a', 'b', 'c'] : ['no', 'yes'] });
      const report = await onnx.quantize(fp32, int8);
      assert.ok(report.bytesBefore / report.bytesAfter > 2.5, `${name}: ${report.bytesBefore} → ${report.bytesAfter}`);
      assert.equal(report.quantized.length, 2);
      assert.equal(report.embeddings.length, name === 'q-emb' ? 1 : 0, 'embedding tables are counted apart');
      // uint8 weights in products (the u8s8 kernel saturates on x86 without VNNI; u8u8 nowhere), full int8 in embedding tables.
      assert.equal(report.format, 'u8u8');
      assert.deepEqual(
        onnx
          .read(int8)
          .weights.filter((w) => /_u?int8$/.test(w.name))
          .map((w) => w.dtype)
          .sort(),
        name === 'q-emb' ? ['int8', 'uint8'] : ['uint8', 'uint8'],
      );
      assert.match(
        (toMimeBundle(report)[MIME.table] as TablePayload).title ?? '',
        /^Dynamic int8 quantisation: [\d.]+× smaller, u8u8 format \(the same results on every CPU\)/,
      );
      assert.ok(report.maxAbsDiff > 0 && report.maxAbsDiff < 0.05, `${name}: ${report.maxAbsDiff}`);
      checkWithOnnx(int8);
      assert.equal(onnx.read(int8).metadata.quantization, 'dynamic int8 per tensor, u8u8 format (aielab onnx.quantize)');
      assert.deepEqual(onnx.read(int8).metadata.labels, onnx.read(fp32).metadata.labels, 'the rest of the file is kept');
      // The 8-bit weights (uint8 with a zero point for MatMul, int8 for Gather) compare as the float weights they replace: off by at most half a step.
      const diff = onnx.diff(fp32, int8).diff;
      const kernels = diff.tensors.filter((t) => / ↔ .*_u?int8$/.test(t.name));
      assert.equal(kernels.length, 2, diff.tensors.map((t) => t.name).join(', '));
      for (const k of kernels) {
        const scale = onnx.read(int8).weights.find((w) => w.name === `${k.name.split(' ↔ ')[0]}_scale`)?.values?.[0] as number;
        assert.ok(k.maxAbs > 0 && k.maxAbs <= scale / 2 + 1e-7, `${k.name}: ${k.maxAbs} against half a step ${scale / 2}`);
      }
      assert.deepEqual(diff.onlyInA, [], 'no float weight left unpaired');
      assert.deepEqual(
        onnx.inspect(int8).inspection.head?.classes.map((c) => c.label),
        onnx.inspect(fp32).inspection.head?.classes.map((c) => c.label),
        'the head of the int8 model',
      );
    }
    const x = Array.from({ length: 24 }, (_, i) => Array.from({ length: 200 }, (_, j) => Math.sin(i + j * 0.3)));
    const fp32Predictions = ((await (await onnx.load(join(dir, 'q-mlp.onnx'))).run(x)).output as number[][]).map((p) =>
      p.indexOf(Math.max(...p)),
    );
    const comparison = await onnx.compare(
      [join(dir, 'q-mlp.onnx'), join(dir, 'q-mlp.int8.onnx')],
      x,
      fp32Predictions.map((p) => ['a', 'b', 'c'][p] as string),
    );
    assert.equal(comparison.models[0]?.accuracy, 1, 'labels by name, from the metadata');
    assert.equal(comparison.models[0]?.maxAbsDiff, 0);
    assert.ok(
      (comparison.models[1]?.maxAbsDiff as number) > 0 && (comparison.models[1]?.bytes as number) < (comparison.models[0]?.bytes as number),
    );
    assert.ok((comparison.models[0]?.latencyMs as number) > 0);
    await assert.rejects(onnx.compare([join(dir, 'q-mlp.onnx')], x, [0]), /1 labels for 24 rows; give one per row/);

    const traced = await onnx.trace(join(dir, 'q-mlp.onnx'), join(dir, 'q-mlp.int8.onnx'), x, { tolerance: 1e-4 });
    assert.equal(traced.divergence?.op, 'MatMul', 'the first quantised product is where they part');
    assert.equal(traced.divergence, traced.steps[0]);
    assert.match(
      (toMimeBundle(traced)[MIME.table] as TablePayload).title ?? '',
      /they part at dense_Dense\d+\/matmul_0 \(MatMul\), off by up to/,
    );
    assert.equal((await onnx.trace(join(dir, 'q-mlp.onnx'), join(dir, 'q-mlp.onnx'), x)).divergence, undefined, 'a model against itself');

    // Static: activation ranges fixed from calibration rows, in QDQ form; the same weights, head and names.
    const staticFile = join(dir, 'q-mlp.static.onnx');
    const calibrated = await onnx.quantize(join(dir, 'q-mlp.onnx'), staticFile, { calibration: x, sample: x });
    assert.equal(calibrated.mode, 'static');
    assert.equal(calibrated.calibrationRows, 24);
    assert.ok(calibrated.maxAbsDiff > 0 && calibrated.maxAbsDiff < 0.05, `static: ${calibrated.maxAbsDiff}`);
    assert.ok(calibrated.bytesBefore / calibrated.bytesAfter > 2.5);
    checkWithOnnx(staticFile);
    const staticRead = onnx.read(staticFile);
    assert.equal(staticRead.metadata.quantization, 'static int8 per tensor, u8u8 format (aielab onnx.quantize)');
    assert.equal(staticRead.nodes.filter((n) => n.op === 'QuantizeLinear').length, 2, 'one fixed-range quantiser per product');
    assert.ok(!staticRead.nodes.some((n) => n.op === 'DynamicQuantizeLinear'));
    const firstScale = staticRead.weights.find((w) => /matmul_0\/a_scale$/.test(w.name))?.values?.[0] as number;
    const inputRange = Math.max(0, ...x.flat()) - Math.min(0, ...x.flat());
    assert.ok(
      Math.abs(firstScale - inputRange / 255) < 1e-6,
      `the first product's input range comes from the calibration rows: ${firstScale} vs ${inputRange / 255}`,
    );
    assert.deepEqual(
      onnx.inspect(staticFile).inspection.head?.classes.map((c) => c.label),
      ['a', 'b', 'c'],
      'the head of the QDQ model',
    );
    assert.deepEqual(onnx.diff(join(dir, 'q-mlp.onnx'), staticFile).diff.onlyInA, [], 'no float weight left unpaired');
    assert.equal((await onnx.trace(join(dir, 'q-mlp.onnx'), staticFile, x, { tolerance: 1e-4 })).divergence?.op, 'MatMul');
    assert.match(
      (toMimeBundle(calibrated)[MIME.table] as TablePayload).title ?? '',
      /^Static int8 quantisation \(activation ranges from 24 calibration rows\): [\d.]+× smaller, u8u8 format/,
    );
    assert.equal(calibrated.format, 'u8u8');
    assert.deepEqual(
      staticRead.weights.filter((w) => w.name.endsWith('_uint8')).map((w) => w.dtype),
      ['uint8', 'uint8'],
      'QDQ weights as uint8 too, so the fused kernel is u8u8',
    );
    await assert.rejects(
      onnx.quantize(join(dir, 'q-mlp.onnx'), staticFile, { calibration: [] }),
      /calibration has no rows; pass rows like the data the model will see/,
    );

    const conv = nn.sequential([nn.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [5, 1] }), nn.layers.flatten()]);
    await onnx.export(conv, join(dir, 'conv.onnx'));
    await assert.rejects(
      onnx.quantize(join(dir, 'conv.onnx'), join(dir, 'conv.int8.onnx')),
      /has no MatMul or Gather with float32 weights to quantise/,
    );
  });
});
