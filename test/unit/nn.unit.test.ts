// `nn` on the backend this machine has (wasm here), and its choice of backend with candidates that
// fail the way tfjs-node does when libtensorflow could not be installed.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn } from '../../sdk';
import { selectBackend, type Candidate } from '../../sdk/nn/backend';
import { tf } from '../../sdk/nn/tf';
import { useInterruptHook } from '../../sdk/runtime';

/** Two noisy classes in 4 features, separable by a plane. */
function blobs(n: number, seed = 1) {
  let s = seed;
  const random = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const x = Array.from({ length: n }, (_, i) => Array.from({ length: 4 }, () => random() * 2 - 1 + (i % 2 ? 0.8 : -0.8)));
  return { x, y: x.map((_, i) => i % 2) };
}

function model(seed: number, dropout = 0) {
  nn.seed(seed);
  const m = nn.sequential([
    nn.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
    nn.layers.dropout({ rate: dropout }),
    nn.layers.dense({ units: 2, activation: 'softmax' }),
  ]);
  m.compile({ optimizer: nn.tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const weights = (m: ReturnType<typeof model>) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('nn', function () {
  this.timeout(60_000);
  const { x, y } = blobs(400);

  it('falls back past backends that fail to load, saying why, and honours a forced one', async () => {
    const fake = (name: Candidate['name'], load: () => Promise<boolean>): Candidate => ({
      name,
      load,
      device: async () => `${name} device`,
    });
    const missing = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node-gpu'"), { code: 'MODULE_NOT_FOUND' });
    const candidates = [
      fake('tensorflow-gpu', async () => Promise.reject(missing)),
      fake('tensorflow', async () => Promise.reject(new Error('libtensorflow.so.2: cannot open shared object file\n at dlopen'))),
      fake('wasm', async () => false),
      fake('cpu', async () => tf().setBackend('cpu')),
    ];
    const report = await selectBackend(tf(), candidates);
    assert.equal(report.name, 'cpu');
    assert.deepEqual(
      report.skipped.map((s) => s.name),
      ['tensorflow-gpu', 'tensorflow', 'wasm'],
    );
    assert.match(report.skipped[0]?.reason ?? '', /@tensorflow\/tfjs-node-gpu is not installed/);
    assert.equal(report.skipped[1]?.reason, 'libtensorflow.so.2: cannot open shared object file');
    assert.equal((await selectBackend(tf(), candidates, 'cpu')).skipped[0]?.reason, 'not tried: AIELAB_NN_BACKEND=cpu');
    await assert.rejects(
      selectBackend(tf(), candidates, 'tpu'),
      /AIELAB_NN_BACKEND=tpu is not a backend\. Use one of tensorflow-gpu, tensorflow, wasm, cpu, or auto/,
    );
    await assert.rejects(selectBackend(tf(), candidates.slice(0, 2)), /No TensorFlow\.js backend starts here/);
  });

  it('trains on the best backend here (wasm: no libtensorflow on this machine) and says so', async () => {
    await tf()
      .setBackend('wasm')
      .catch(() => undefined);
    const report = await nn.backend();
    assert.ok(['tensorflow-gpu', 'tensorflow', 'wasm'].includes(report.name), report.summary);
    const m = model(1);
    const result = await nn.fit(m, x, y, { epochs: 15, title: false });
    assert.equal(result.epochs, 15);
    assert.ok((result.history.acc?.at(-1) ?? 0) > 0.9, `accuracy ${result.history.acc?.at(-1)}`);
  });

  it('is reproducible: the same seed gives the same weights, shuffling and dropout', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const m = model(7, 0.3);
      await nn.fit(m, x, y, { epochs: 3, title: false });
      runs.push(weights(m));
    }
    assert.deepEqual(runs[0], runs[1]);
    assert.notDeepEqual(weights(model(7)), weights(model(8)));
  });

  it('stops early and restores the best weights, with a learning-rate schedule', async () => {
    const m = model(3);
    const result = await nn.fit(m, x, y, {
      epochs: 40,
      validationSplit: 0.25,
      earlyStopping: { patience: 2, monitor: 'val_loss' },
      learningRate: (epoch) => 0.05 * 0.5 ** epoch,
      title: false,
    });
    assert.equal(result.stopped, 'early stopping');
    assert.ok(result.epochs < 40);
    assert.deepEqual(result.history.lr?.slice(0, 3), [0.05, 0.025, 0.0125]);
    const losses = result.history.val_loss as number[];
    assert.equal(result.bestEpoch, losses.indexOf(Math.min(...losses)) + 1);
  });

  it('stops at the next batch when the cell is interrupted, keeping the weights learned so far', async () => {
    let interrupt: (() => void) | undefined;
    useInterruptHook((stop) => (interrupt = stop));
    try {
      const m = model(5);
      const before = weights(m);
      const training = nn.fit(m, x, y, { epochs: 1000, batchSize: 8, title: false });
      await new Promise((r) => setTimeout(r, 300));
      interrupt?.();
      const result = await training;
      assert.equal(result.stopped, 'interrupted');
      assert.ok(result.epochs < 1000);
      assert.notDeepEqual(weights(m), before, 'the weights learned before the interrupt are kept');
      assert.equal((m.predict(nn.tf.tensor([x[0] as number[]])) as { shape: number[] }).shape[1], 2, 'the model still predicts');
    } finally {
      useInterruptHook(() => undefined);
    }
  });

  it('saves and loads a checkpoint in the tfjs format, and does not leak tensors run after run', async () => {
    const m = model(2);
    await nn.fit(m, x, y, { epochs: 2, title: false });
    const dir = await nn.save(m, join(mkdtempSync(join(tmpdir(), 'aielab-nn-')), 'checkpoint'));
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.equal(manifest.format, 'layers-model');
    assert.deepEqual(manifest.weightsManifest[0].paths, ['weights.bin']);
    const loaded = await nn.load(dir);
    assert.deepEqual(weights(loaded as never), weights(m));
    await assert.rejects(nn.load(join(dir, 'nope')), /no model\.json in .*nope\. Save one with nn\.save/);

    const held = nn.memory().tensors;
    for (let i = 0; i < 3; i++) await nn.fit(m, x, y, { epochs: 1, title: false });
    assert.equal(nn.memory().tensors, held);
  });

  it('computes the gradients wasm lacks as the CPU backend does, and an embedding’s on both', async () => {
    const t = tf();
    const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k));
    const gradients = async (name: string) => {
      await t.setBackend(name);
      const x = t.tensor4d(values(2 * 7 * 6 * 3, 1.3), [2, 7, 6, 3]);
      const w = t.tensor4d(values(3 * 2 * 3 * 4, 0.7), [3, 2, 3, 4]);
      const filter = (strides: [number, number], pad: 'same' | 'valid') =>
        t
          .grad((f) =>
            t
              .conv2d(x, f as typeof x, strides, pad)
              .square()
              .sum(),
          )(w)
          .arraySync();
      return [filter([1, 1], 'same'), filter([2, 1], 'valid'), filter([2, 2], 'same')];
    };
    const onCpu = await gradients('cpu');
    await nn.backend();
    const onWasm = await gradients('wasm');
    const flat = (v: unknown) => (v as number[]).flat(4) as number[];
    onCpu.forEach((expected, i) =>
      flat(onWasm[i]).forEach((v, j) =>
        assert.ok(Math.abs(v - (flat(expected)[j] as number)) < 1e-3, `case ${i}, value ${j}: ${v} vs ${flat(expected)[j]}`),
      ),
    );
    // d/dv of sum(gather(v, [0, 3, 3, 1])²) is 2v times how often each row was gathered.
    const v = values(4 * 5, 0.3);
    const times = [1, 1, 0, 2];
    for (const name of ['cpu', 'wasm']) {
      await t.setBackend(name);
      const got = (
        t
          .grad((m) =>
            t
              .gather(m, t.tensor1d([0, 3, 3, 1], 'int32'))
              .square()
              .sum(),
          )(t.tensor2d(v, [4, 5]))
          .arraySync() as number[][]
      ).flat();
      got.forEach((g, j) =>
        assert.ok(Math.abs(g - 2 * (v[j] as number) * (times[Math.floor(j / 5)] as number)) < 1e-5, `${name} segment sum, value ${j}`),
      );
    }
  });

  it('builds with the functional API, trains a bidirectional GRU, and calls the learner’s callbacks', async () => {
    nn.seed(0);
    const input = nn.input({ shape: [4] });
    const hidden = nn.layers.dense({ units: 8, activation: 'relu' }).apply(input);
    const model2 = nn.model({ inputs: input, outputs: nn.layers.dense({ units: 2, activation: 'softmax' }).apply(hidden) as never });
    model2.compile({ optimizer: nn.tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const seen: number[] = [];
    await nn.fit(model2, x, y, {
      epochs: 3,
      title: false,
      callbacks: { onEpochEnd: (epoch, logs) => void seen.push(epoch, Math.round(logs.acc ?? -1)) },
    });
    assert.equal(seen.length, 6);
    nn.seed(0);
    const rnn = nn.sequential([
      nn.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 3 }),
      nn.layers.bidirectional({ layer: nn.layers.gru({ units: 4 }) as never }),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    rnn.compile({ optimizer: nn.tf.train.adam(0.1), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const seqs = Array.from({ length: 60 }, (_, i) => [i % 20, i % 20, 0]);
    const result = await nn.fit(
      rnn,
      seqs,
      seqs.map((s) => (s[0] as number) % 2),
      { epochs: 15, title: false },
    );
    assert.ok((result.history.acc?.at(-1) ?? 0) > 0.9, `GRU accuracy ${result.history.acc?.at(-1)}`);
  });

  it('adapts Dense layers with LoRA: starts equal, trains only the adapters, leaves the original alone, and merges into the original shape', async () => {
    nn.seed(4);
    const model = nn.sequential([
      nn.layers.dense({ units: 64, activation: 'relu', inputShape: [32] }),
      nn.layers.dropout({ rate: 0.1 }),
      nn.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    const x = Array.from({ length: 120 }, (_, i) => Array.from({ length: 32 }, (_, j) => Math.sin(i * 0.37 + j)));
    const original = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tuned = nn.lora(model, { rank: 2, alpha: 4, seed: 1 });
    const trainable = tuned.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => (a as number) * (b as number), 1)!, 0);
    assert.equal(trainable, 2 * (32 + 64) + 2 * (64 + 3), 'rank × (inputs + units) per adapted layer');
    assert.ok(trainable < model.countParams() / 4);
    const close = (a: number[][], b: number[][], tolerance: number) =>
      a.every((row, i) => row.every((v, j) => Math.abs(v - (b[i]?.[j] as number)) < tolerance));
    assert.ok(close(nn.predict(tuned, x.slice(0, 5)), nn.predict(model, x.slice(0, 5)), 1e-6), 'B starts at zero: the same outputs');
    tuned.compile({ optimizer: nn.tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    await nn.fit(
      tuned,
      x,
      x.map((r) => (r[1]! > 0.3 ? 2 : r[1]! > -0.3 ? 1 : 0)),
      { epochs: 3, title: false },
    );
    assert.deepEqual(
      model.getWeights().map((w) => Array.from(w.dataSync())),
      original,
      'the original model is untouched',
    );
    assert.ok(!close(nn.predict(tuned, x.slice(0, 5)), nn.predict(model, x.slice(0, 5)), 1e-3), 'the adapters learned something');
    const merged = await nn.loraMerge(tuned);
    assert.equal(merged.countParams(), model.countParams());
    assert.ok(close(nn.predict(merged, x.slice(0, 20)), nn.predict(tuned, x.slice(0, 20)), 1e-5), 'merged = base + adapters');
    assert.throws(
      () => nn.lora(model, { layers: ['nope'] }),
      /no Dense layer named nope; the model's Dense layers are dense_Dense\d+, dense_Dense\d+/,
    );
    await assert.rejects(nn.loraMerge(model), /nn\.loraMerge takes a model made by nn\.lora/);
  });

  it('trains an Embedding layer and a convolution on wasm', async () => {
    await nn.backend();
    const ids = tf().tensor1d([0, 2, 0, 1], 'int32');
    const values = tf().tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    assert.deepEqual(tf().unsortedSegmentSum(values, ids, 3).arraySync(), [
      [6, 8],
      [7, 8],
      [3, 4],
    ]);
    nn.seed(0);
    const m = nn.sequential([
      nn.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 3 }),
      nn.layers.globalAveragePooling1d(),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    m.compile({ optimizer: nn.tf.train.adam(0.1), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const seqs = Array.from({ length: 60 }, (_, i) => [i % 20, i % 20, 0]);
    const result = await nn.fit(
      m,
      seqs,
      seqs.map((s) => (s[0] as number) % 2),
      { epochs: 30, title: false },
    );
    assert.ok((result.history.acc?.at(-1) ?? 0) > 0.9, `accuracy ${result.history.acc?.at(-1)}`);
    nn.seed(0);
    const conv = nn.sequential([
      nn.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 3 }),
      nn.layers.conv1d({ filters: 4, kernelSize: 2, activation: 'relu' }),
      nn.layers.globalMaxPooling1d(),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    conv.compile({ optimizer: nn.tf.train.adam(0.1), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const before = weights(conv as never);
    await nn.fit(
      conv,
      seqs,
      seqs.map((s) => (s[0] as number) % 2),
      { epochs: 2, title: false },
    );
    assert.notDeepEqual(weights(conv as never)[2], before[2], 'the convolution’s filters learned');
  });
});
