// Training and prediction time of `ml` beside scikit-learn's, on the same rows and split: the
// shipped datasets and a synthetic 100,000-row, 10-feature, 3-class one. scikit-learn runs in
// Debian's python3 (python3-sklearn, python3-pandas) in the same run; without it the column says why.
// Usage: npm run bench:ml
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ml, type Estimator } from '../sdk';
import { seeded } from '../sdk/ml/random';

const root = join(__dirname, '..');
const python = '/usr/bin/python3';
const SYNTHETIC_ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

interface Dataset {
  name: string;
  csv: string;
  target: string;
  models: string[];
  trees: number;
}

const MODELS: Record<string, (trees: number) => Estimator> = {
  GaussianNB: () => new ml.GaussianNB(),
  'k-NN (k=5)': () => new ml.KNeighborsClassifier({ k: 5 }),
  'decision tree': () => new ml.DecisionTreeClassifier({ seed: 0 }),
  'random forest': (trees) => new ml.RandomForestClassifier({ trees, seed: 0 }),
  'logistic regression': () => new ml.Pipeline([new ml.StandardScaler(), new ml.LogisticRegression()]),
};

function read(csv: string, target: string): { X: number[][]; y: string[] } {
  const [header, ...lines] = readFileSync(csv, 'utf8').trim().split('\n');
  const t = (header as string).split(',').indexOf(target);
  const rows = lines.map((l) => l.split(','));
  return { X: rows.map((r) => r.filter((_, j) => j !== t).map(Number)), y: rows.map((r) => r[t] as string) };
}

/** Three Gaussian blobs with overlapping tails, written as CSV so both sides read the same rows. */
function synthetic(path: string, rows: number): void {
  const random = seeded(1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = [`${Array.from({ length: 10 }, (_, j) => `x${j}`).join(',')},label`];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    lines.push(
      `${Array.from({ length: 10 }, (_, j) => ((normal() * (1 + j / 5) + (j < 4 ? c * 1.0 : 0)) * 10 ** (j % 3)).toFixed(5)).join(',')},c${c}`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const work = mkdtempSync(join(tmpdir(), 'aielab-bench-ml-'));
try {
  synthetic(join(work, 'synthetic.csv'), SYNTHETIC_ROWS);
  const data = join(root, 'labs', 'data');
  const all = ['GaussianNB', 'k-NN (k=5)', 'decision tree', 'random forest', 'logistic regression'];
  const datasets: Dataset[] = [
    { name: 'iris (150×4)', csv: join(data, 'iris.csv'), target: 'species', models: all, trees: 100 },
    { name: 'wine (178×13)', csv: join(data, 'wine.csv'), target: 'cultivar', models: all, trees: 100 },
    { name: 'breast cancer (569×30)', csv: join(data, 'breast-cancer.csv'), target: 'diagnosis', models: all, trees: 100 },
    // k-NN by brute force is quadratic: left out at this size (scikit-learn would use a KD-tree).
    {
      name: `synthetic (${SYNTHETIC_ROWS.toLocaleString('en')}×10)`,
      csv: join(work, 'synthetic.csv'),
      target: 'label',
      models: ['GaussianNB', 'decision tree', 'random forest', 'logistic regression'],
      trees: 10,
    },
  ];

  const ours: Array<{ dataset: string; model: string; fit_ms: number; predict_ms: number; accuracy: number }> = [];
  const jobs = datasets.map((d) => {
    const { X, y } = read(d.csv, d.target);
    const split = ml.trainTestSplit(X, y, { testSize: 0.3, seed: 0 });
    for (const model of d.models) {
      const t0 = performance.now();
      const fitted = (MODELS[model] as (t: number) => Estimator)(d.trees).fit(split.xTrain, split.yTrain);
      const fit = performance.now() - t0;
      const t1 = performance.now();
      const accuracy = fitted.score(split.xTest, split.yTest);
      ours.push({ dataset: d.name, model, fit_ms: fit, predict_ms: performance.now() - t1, accuracy });
    }
    return { ...d, train: split.trainIndex, test: split.testIndex };
  });
  const oursRss = process.memoryUsage().rss / 2 ** 20;

  let theirs: typeof ours = [];
  let theirsRss = NaN;
  let missing = '';
  if (!existsSync(python)) missing = 'no /usr/bin/python3';
  else {
    writeFileSync(join(work, 'job.json'), JSON.stringify(jobs));
    const ran = spawnSync(python, [join(__dirname, 'ml_reference.py'), join(work, 'job.json')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (ran.status !== 0)
      missing = /No module named '(\w+)'/.exec(ran.stderr)?.[1]
        ? `python3-${/No module named '(\w+)'/.exec(ran.stderr)?.[1]} is not installed (apt-get install python3-sklearn python3-pandas)`
        : (ran.stderr.trim().split('\n').pop() ?? 'failed');
    else ({ results: theirs, max_rss_mb: theirsRss } = JSON.parse(ran.stdout));
  }

  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number | undefined, digits = 1) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));
  console.log(
    `ml vs scikit-learn${missing ? ` (scikit-learn not measured: ${missing})` : ''}: fit / predict in ms, held-out accuracy; same rows, same split\n`,
  );
  console.log(
    `${pad('dataset', 28)}${pad('model', 22)}${pad('ours fit', 11)}${pad('sklearn fit', 13)}${pad('ours pred', 11)}${pad('sklearn pred', 14)}${pad('ours acc', 10)}sklearn acc`,
  );
  for (const o of ours) {
    const t = theirs.find((r) => r.dataset === o.dataset && r.model === o.model);
    console.log(
      `${pad(o.dataset, 28)}${pad(o.model, 22)}${pad(num(o.fit_ms), 11)}${pad(num(t?.fit_ms), 13)}${pad(num(o.predict_ms), 11)}${pad(num(t?.predict_ms), 14)}${pad(num(o.accuracy, 4), 10)}${num(t?.accuracy, 4)}`,
    );
  }
  console.log(`\npeak memory: ours ${num(oursRss, 0)} MB RSS (this process), scikit-learn ${num(theirsRss, 0)} MB max RSS`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
