// Inference speed of an exported model in onnxruntime-node beside the TensorFlow.js model it came
// from (on the best backend this machine starts), in the same run, on the same inputs: latency per
// call at batch 1 (p50, p99) and rows per second at batch 64.
// Usage: npm run bench:onnx            (BENCH_CALLS=500 for a quicker run)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn, onnx, table } from '../sdk';
import type { LayersModel, Tensor } from '../sdk/nn/tf';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const BATCHES = Math.max(20, Math.round(CALLS / 10));

interface Workload {
  name: string;
  make(): LayersModel;
  row(i: number): number[];
}

const WORKLOADS: Workload[] = [
  {
    name: 'MLP 1000→64→2 (TF-IDF features)',
    make: () =>
      nn.sequential([
        nn.layers.dense({ units: 64, activation: 'relu', inputShape: [1000] }),
        nn.layers.dense({ units: 2, activation: 'softmax' }),
      ]),
    row: (i) => Array.from({ length: 1000 }, (_, j) => ((i * 31 + j * 17) % 97) / 97),
  },
  {
    name: 'embedding 8000×16 + mean pooling → 2 (100 token ids)',
    make: () =>
      nn.sequential([
        nn.layers.embedding({ inputDim: 8000, outputDim: 16, inputLength: 100 }),
        nn.layers.globalAveragePooling1d(),
        nn.layers.dense({ units: 2, activation: 'softmax' }),
      ]),
    row: (i) => Array.from({ length: 100 }, (_, j) => (i * 131 + j * 7919) % 8000),
  },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function time(calls: number, call: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < Math.min(100, calls); i++) await call();
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const backend = await nn.backend();
  const dir = mkdtempSync(join(tmpdir(), 'aielab-bench-onnx-'));
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (const workload of WORKLOADS) {
      nn.seed(0);
      const model = workload.make();
      const file = join(dir, 'model.onnx');
      await onnx.export(model, file);
      const session = await onnx.load(file);
      const one = [workload.row(0)];
      const batch = Array.from({ length: 64 }, (_, i) => workload.row(i));
      const t = nn.tf;
      const tfjs = (x: number[][]) => {
        const output = t.tidy(() => model.predict(t.tensor(x)) as Tensor);
        output.dataSync();
        output.dispose();
      };
      for (const [runtime, run] of [
        [`TensorFlow.js (${backend.name})`, tfjs],
        ['onnxruntime-node (CPU)', (x: number[][]) => session.run(x)],
      ] as const) {
        const single = await time(CALLS, () => run(one));
        const batched = await time(BATCHES, () => run(batch));
        const median = percentile(batched, 50);
        rows.push({
          model: workload.name,
          runtime,
          'p50 ms (batch 1)': Number(percentile(single, 50).toFixed(3)),
          'p99 ms (batch 1)': Number(percentile(single, 99).toFixed(3)),
          'rows/s (batch 64)': Math.round((64 / median) * 1000),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    table(rows, { title: `Inference: ${CALLS} calls at batch 1, ${BATCHES} at batch 64, after warm-up (same process, same inputs)` }).data[
      'text/plain'
    ],
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
