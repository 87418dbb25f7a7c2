// Training speed of `nn` on every TensorFlow.js backend this machine can start, beside PyTorch on
// the CPU (Debian's python3-torch) in the same run: the same two architectures, data, split,
// optimiser, batch size and epochs. Each backend trains in its own process. Seconds per epoch and
// test accuracy; a backend that cannot start says why, as does PyTorch when it is missing.
// Usage: npm run bench:train            (BENCH_EPOCHS=3 for a quicker run)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, ml, nn, text } from '../sdk';

const python = '/usr/bin/python3';
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 5);
const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
const FEATURES = 1000;
const VOCABULARY = 8000;
const LENGTH = 100;

interface Workload {
  name: string;
  lr: number;
  inputs: 'bow' | 'seq';
}

const WORKLOADS: Workload[] = [
  { name: `MLP on TF-IDF (${FEATURES}→64→2)`, lr: 0.001, inputs: 'bow' },
  { name: `embedding (${VOCABULARY}×16) + mean pooling → 2`, lr: 0.01, inputs: 'seq' },
];

type Result = { workload: string; epochSeconds: number; accuracy: number };

/** Features and labels written as float32 files, so both sides train on the same numbers. */
function prepare(dir: string): void {
  const emails = data.readJson(join(__dirname, '..', 'labs', 'data', 'spam-emails.jsonl'));
  const texts = emails.col('text').toArray() as string[];
  const labels = emails.col('label').toArray() as string[];
  const split = ml.trainTestSplit(
    labels.map((_, i) => [i]),
    labels,
    { testSize: 0.2, seed: 0 },
  );
  const pick = (index: number[]) => index.map((i) => texts[i] as string);
  const tfidf = new text.TfIdf({ maxFeatures: FEATURES }).fit(pick(split.trainIndex));
  const vocab = new text.Vocabulary({ maxSize: VOCABULARY }).fit(pick(split.trainIndex).map((t) => text.tokenize(t)));
  const seq = (index: number[]) =>
    text.pad(
      pick(index).map((t) => vocab.encode(text.tokenize(t))),
      { length: LENGTH, padding: 'post', truncating: 'post' },
    );
  const save = (name: string, rows: number[][] | number[]) =>
    writeFileSync(join(dir, `${name}.f32`), Buffer.from(new Float32Array(rows.flat()).buffer));
  save('bow_train', tfidf.transform(pick(split.trainIndex)));
  save('bow_test', tfidf.transform(pick(split.testIndex)));
  save('seq_train', seq(split.trainIndex));
  save('seq_test', seq(split.testIndex));
  save(
    'y_train',
    split.yTrain.map((l) => (l === 'spam' ? 1 : 0)),
  );
  save(
    'y_test',
    split.yTest.map((l) => (l === 'spam' ? 1 : 0)),
  );
  writeFileSync(
    join(dir, 'shapes.json'),
    JSON.stringify({
      train: split.trainIndex.length,
      test: split.testIndex.length,
      features: FEATURES,
      vocabulary: VOCABULARY,
      length: LENGTH,
      epochs: EPOCHS,
      workloads: WORKLOADS,
    }),
  );
}

function load(dir: string, name: string, width: number): number[][] {
  const bytes = readFileSync(join(dir, `${name}.f32`));
  // A small file's Buffer is a view into a shared pool: copy exactly its bytes.
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return Array.from({ length: values.length / width }, (_, i) => Array.from(values.subarray(i * width, (i + 1) * width)));
}

/** One backend, in this process (the child `main` starts with AIELAB_NN_BACKEND set). */
async function measure(dir: string): Promise<{ backend: string; device: string; results: Result[]; matmulMs: number }> {
  const report = await nn.backend();
  const t = nn.tf;
  const y = load(dir, 'y_train', 1).map((r) => r[0] as number);
  const yTest = load(dir, 'y_test', 1).map((r) => r[0] as number);
  const results: Result[] = [];
  for (const w of WORKLOADS) {
    const width = w.inputs === 'bow' ? FEATURES : LENGTH;
    const [x, xTest] = [load(dir, `${w.inputs}_train`, width), load(dir, `${w.inputs}_test`, width)];
    nn.seed(0);
    const model =
      w.inputs === 'bow'
        ? nn.sequential([
            nn.layers.dense({ units: 64, activation: 'relu', inputShape: [FEATURES] }),
            nn.layers.dense({ units: 2, activation: 'softmax' }),
          ])
        : nn.sequential([
            nn.layers.embedding({ inputDim: VOCABULARY, outputDim: 16, inputLength: LENGTH }),
            nn.layers.globalAveragePooling1d(),
            nn.layers.dense({ units: 2, activation: 'softmax' }),
          ]);
    model.compile({ optimizer: t.train.adam(w.lr), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const run = await nn.fit(model, x, y, { epochs: EPOCHS, batchSize: 32, title: false });
    const predicted = nn.predict(model, xTest).map((p) => ((p[1] as number) >= 0.5 ? 1 : 0));
    results.push({
      workload: w.name,
      epochSeconds: run.seconds / run.epochs,
      accuracy: predicted.filter((p, i) => p === yTest[i]).length / yTest.length,
    });
    model.dispose();
  }
  return { backend: report.name, device: report.device, results, matmulMs: matmul(t) };
}

/** Milliseconds for one 512×512 by 512×512 product: the raw arithmetic speed under both sides. */
function matmul(t: typeof nn.tf): number {
  const a = t.randomNormal([512, 512]);
  t.matMul(a, a).dispose();
  const started = performance.now();
  for (let i = 0; i < 10; i++) {
    const product = t.matMul(a, a);
    product.dataSync();
    product.dispose();
  }
  a.dispose();
  return (performance.now() - started) / 10;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'aielab-bench-train-'));
  try {
    prepare(dir);
    const ours: Array<{ backend: string; device?: string; results?: Result[]; matmulMs?: number; why?: string }> = [];
    for (const backend of BACKENDS) {
      const ran = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--measure', dir], {
        encoding: 'utf8',
        env: { ...process.env, AIELAB_NN_BACKEND: backend },
        maxBuffer: 1 << 24,
      });
      if (ran.status === 0) ours.push(JSON.parse(ran.stdout));
      else ours.push({ backend, why: /Error: (.*)/.exec(ran.stderr)?.[1] ?? ran.stderr.trim().split('\n').pop() ?? 'failed' });
    }
    let torch: { version: string; threads: number; results: Result[]; matmulMs: number } | undefined;
    let missing = '';
    if (!existsSync(python)) missing = 'no /usr/bin/python3';
    else {
      const ran = spawnSync(python, [join(__dirname, 'train_reference.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (ran.status !== 0)
        missing = /No module named 'torch'/.test(ran.stderr)
          ? 'python3-torch is not installed (apt-get install python3-torch)'
          : (ran.stderr.trim().split('\n').pop() ?? 'failed');
      else torch = JSON.parse(ran.stdout);
    }
    console.log(
      `nn vs PyTorch: seconds per epoch (test accuracy), ${EPOCHS} epochs, batch 32, Adam, same data and split; each side in its own process\n`,
    );
    const columns = [
      ...ours.filter((o) => o.results).map((o) => o.backend),
      torch ? `PyTorch ${torch.version} CPU (${torch.threads} threads)` : 'PyTorch',
    ];
    console.log(`${'workload'.padEnd(44)}${columns.map((c) => c.padEnd(22)).join('')}`);
    for (const w of WORKLOADS) {
      const cells = ours.filter((o) => o.results).map((o) => o.results?.find((r) => r.workload === w.name));
      cells.push(torch?.results.find((r) => r.workload === w.name));
      console.log(
        `${w.name.padEnd(44)}${cells.map((r) => (r ? `${r.epochSeconds.toFixed(3)} s (${r.accuracy.toFixed(4)})` : '—').padEnd(22)).join('')}`,
      );
    }
    const products = [
      ...ours.filter((o) => o.results).map((o) => `${o.matmulMs?.toFixed(1)} ms`),
      torch ? `${torch.matmulMs.toFixed(1)} ms` : '—',
    ];
    console.log(`${'512×512 matrix product (raw arithmetic)'.padEnd(44)}${products.map((p) => p.padEnd(22)).join('')}`);
    console.log('');
    for (const o of ours) console.log(o.results ? `${o.backend}: ${o.device}` : `${o.backend}: not measured, ${o.why}`);
    if (missing) console.log(`PyTorch: not measured, ${missing}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure')
  measure(process.argv[3] as string).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (e) => {
      console.error(`Error: ${(e as Error).message.split('\n')[0]}`);
      process.exit(1);
    },
  );
else main();
