// `ml` against scikit-learn on the shipped datasets and scikit-learn's own split
// (test/fixtures/parity/ml_reference.py): same numbers for the scaler and naive Bayes, the same
// predictions for k-NN, and held-out accuracy within 2 points for every classifier.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshMlruns } from '../helpers/mlruns';
import { MIME, type TablePayload } from '../../contracts/mime';
import { ml, track, type Estimator } from '../../sdk';
import { toMimeBundle } from '../../sdk/display/bundle';
import { FileStore } from '../../tracking/store';
import { loadLabCsv } from '../helpers/labData';

const reference = JSON.parse(readFileSync(join(__dirname, '../fixtures/parity/ml.json'), 'utf8'));

const MODELS: Record<string, () => Estimator> = {
  gaussianNB: () => new ml.GaussianNB(),
  knn: () => new ml.KNeighborsClassifier({ k: 5 }),
  decisionTree: () => new ml.DecisionTreeClassifier({ seed: 0 }),
  randomForest: () => new ml.RandomForestClassifier({ trees: 100, seed: 0 }),
  logisticRegression: () => new ml.Pipeline([new ml.StandardScaler(), new ml.LogisticRegression()]),
};

describe(`ml against scikit-learn ${reference.sklearn}`, function () {
  this.timeout(60_000);
  for (const [name, entry] of Object.entries<Record<string, any>>(reference.datasets)) {
    describe(name, () => {
      const { X, y } = loadLabCsv(entry.file, entry.target);
      const pick = (index: number[]) => ({ X: index.map((i) => X[i] as number[]), y: index.map((i) => y[i] as string) });
      const train = pick(entry.train);
      const test = pick(entry.test);

      it('scales with the same mean and standard deviation', () => {
        const scaler = new ml.StandardScaler().fit(train.X);
        scaler.mean.forEach((m, j) => assert.ok(Math.abs(m - entry.scalerMean[j]) < 1e-9, `mean[${j}]`));
        scaler.scale.forEach((s, j) => assert.ok(Math.abs(s - entry.scalerScale[j]) < 1e-9, `scale[${j}]`));
      });

      it('predicts what naive Bayes and k-NN predict, with the same probabilities', () => {
        const nb = new ml.GaussianNB().fit(train.X, train.y);
        assert.deepEqual(nb.predict(test.X), entry.gaussianNBPredictions);
        nb.predictProba(test.X.slice(0, 10)).forEach((row, i) =>
          row.forEach((p, k) =>
            assert.ok(Math.abs(p - entry.gaussianNBProba[i][k]) < 1e-9, `proba[${i}][${k}]: ${p} vs ${entry.gaussianNBProba[i][k]}`),
          ),
        );
        assert.deepEqual(new ml.KNeighborsClassifier().fit(train.X, train.y).predict(test.X), entry.knnPredictions);
      });

      it('fits logistic regression to the same optimum: probabilities within 1e-4', () => {
        const model = new ml.Pipeline([new ml.StandardScaler(), new ml.LogisticRegression()]).fit(train.X, train.y);
        model
          .predictProba(test.X.slice(0, 10))
          .forEach((row, i) =>
            row.forEach((p, k) =>
              assert.ok(
                Math.abs(p - entry.logisticRegressionProba[i][k]) < 1e-4,
                `proba[${i}][${k}]: ${p} vs ${entry.logisticRegressionProba[i][k]}`,
              ),
            ),
          );
      });

      for (const [model, make] of Object.entries(MODELS)) {
        it(`${model}: held-out accuracy within 2 points of scikit-learn's`, () => {
          const ours = make().fit(train.X, train.y).score(test.X, test.y);
          const theirs = entry.accuracy[model] as number;
          assert.ok(
            Math.abs(ours - theirs) <= 0.02 + 1e-12,
            `${model} on ${name}: ${ours.toFixed(4)} vs scikit-learn ${theirs.toFixed(4)}`,
          );
        });
      }
    });
  }
});

describe('ml workflow', () => {
  const { X, y } = loadLabCsv('iris.csv', 'species');

  it('splits with a seed, stratified, the same way every time', () => {
    const a = ml.trainTestSplit(X, y, { testSize: 0.2, seed: 42 });
    const b = ml.trainTestSplit(X, y, { testSize: 0.2, seed: 42 });
    assert.deepEqual(a.testIndex, b.testIndex);
    assert.equal(a.xTest.length, 30);
    for (const species of ['setosa', 'versicolor', 'virginica']) assert.equal(a.yTest.filter((s) => s === species).length, 10);
    assert.notDeepEqual(ml.trainTestSplit(X, y, { testSize: 0.2, seed: 7 }).testIndex, a.testIndex);
  });

  it('cross-validates on stratified folds and searches a grid, best first, shown as a table', () => {
    const folds = ml.stratifiedKFold(y, { folds: 5, seed: 1 });
    assert.deepEqual(
      folds.map((f) => f.test.length),
      [30, 30, 30, 30, 30],
    );
    assert.equal(new Set(folds.flatMap((f) => f.test)).size, 150);
    const cv = ml.crossValScore(() => new ml.KNeighborsClassifier({ k: 5 }), X, y, { folds: 5, seed: 1 });
    assert.equal(cv.scores.length, 5);
    assert.ok(cv.mean > 0.9, `k-NN on iris: ${cv.mean}`);
    const search = ml.gridSearch(
      (p: { maxDepth: number }) => new ml.DecisionTreeClassifier({ maxDepth: p.maxDepth }),
      { maxDepth: [1, 3] },
      X,
      y,
      { folds: 5 },
    );
    assert.deepEqual(search.best.params, { maxDepth: 3 });
    const shown = toMimeBundle(search)[MIME.table] as TablePayload;
    assert.deepEqual(
      shown.columns.map((c) => c.name),
      ['maxDepth', 'mean accuracy', 'std'],
    );
  });

  it('encodes labels and categories, and scales to a range', () => {
    const encoder = new ml.LabelEncoder().fit(['b', 'a', 'c', 'a']);
    assert.deepEqual(encoder.transform(['a', 'c']), [0, 2]);
    assert.deepEqual(encoder.inverseTransform([1]), ['b']);
    assert.deepEqual(new ml.OneHotEncoder().fitTransform(['red', 'blue', 'red']), [
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
    assert.deepEqual(
      new ml.MinMaxScaler().fitTransform([
        [1, 5],
        [3, 5],
        [2, 5],
      ]),
      [
        [0, 0],
        [1, 0],
        [0.5, 0],
      ],
    );
  });

  it('says what is wrong with the input', () => {
    assert.throws(() => new ml.GaussianNB().fit([[1, 2], [3]], ['a', 'b']), /row 1 of X has 1 features; every row needs 2 \(like row 0\)/);
    assert.throws(
      () => new ml.GaussianNB().fit([[1, Number.NaN]], ['a']),
      /X\[0\]\[1\] is null; models need finite numbers \(fill or drop missing values first\)/,
    );
    assert.throws(() => new ml.KNeighborsClassifier().predict([[1]]), /is not trained yet: call fit\(X, y\) first/);
    assert.throws(
      () => new ml.StandardScaler().fit([[1, 2]]).transform([[1]]),
      /row 0 of X has 1 features; every row needs 2 \(as in training\)/,
    );
    assert.throws(() => ml.trainTestSplit(X, y, { testSize: 30 }), /testSize is the share of rows to hold out, between 0 and 1/);
    assert.throws(
      () => ml.stratifiedKFold(['a', 'a', 'b'], { folds: 2 }),
      /2 folds need at least 2 rows of every class; the smallest class has 1/,
    );
  });
});

describe('ml autolog', () => {
  const { X, y } = loadLabCsv('iris.csv', 'species');
  const mlruns = freshMlruns();
  beforeEach(() => track.experiment('autolog'));

  function logged(name: string) {
    const store = new FileStore(mlruns());
    return store.runs(store.experiment('autolog')).find((r) => r.runName === name);
  }

  it('logs a model fitted inside a run: its settings, class and training scores (mlflow.sklearn names)', async () => {
    await track.run('logistic', () => new ml.LogisticRegression({ C: 0.5 }).fit(X, y));
    const run = logged('logistic');
    assert.equal(run?.params.C, '0.5');
    assert.equal(run?.tags.estimator_name, 'LogisticRegression');
    assert.ok((run?.metrics.training_accuracy_score as number) > 0.9, JSON.stringify(run?.metrics));
    assert.deepEqual(Object.keys(run?.metrics ?? {}).sort(), ['training_accuracy_score', 'training_f1_score', 'training_log_loss']);
  });

  it('logs a Pipeline once, with its steps, and not the fits of cross-validation', async () => {
    await track.run('pipeline', () => {
      ml.crossValScore(() => new ml.KNeighborsClassifier({ k: 3 }), X, y, { folds: 3 });
      new ml.Pipeline([new ml.StandardScaler(), new ml.KNeighborsClassifier({ k: 7 })]).fit(X, y);
    });
    const run = logged('pipeline');
    assert.deepEqual(run?.params, { steps: 'StandardScaler → KNeighborsClassifier', k: '7' });
    assert.equal(run?.tags.estimator_name, 'Pipeline');
  });

  it('logs nothing without an active run', () => {
    new ml.GaussianNB().fit(X, y);
    assert.deepEqual(new FileStore(mlruns()).runs(new FileStore(mlruns()).experiment('autolog')), []);
  });
});
