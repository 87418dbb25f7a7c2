// `metrics` against scikit-learn: the reference values come from
// test/fixtures/parity/metrics_reference.py (Debian's python3-sklearn) on the same predictions.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIME, type ChartPayload, type ConfusionPayload, type MetricsPayload } from '../../contracts/mime';
import { metrics } from '../../sdk';
import { toMimeBundle } from '../../sdk/display/bundle';

const reference = JSON.parse(readFileSync(join(__dirname, '../fixtures/parity/metrics.json'), 'utf8'));
const { binary, multiclass, regression } = reference.inputs;

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9, `${what}: ${actual} vs scikit-learn ${expected}`);
}

function allClose(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values vs scikit-learn's ${expected.length}`);
  actual.forEach((a, i) => close(a, expected[i] as number, `${what}[${i}]`));
}

describe(`metrics match scikit-learn ${reference.sklearn} to 1e-9`, () => {
  it('accuracy, confusion matrix, precision / recall / F1 per class and averaged', () => {
    close(metrics.accuracy(multiclass.yTrue, multiclass.yPred), reference.multiclass.accuracy, 'accuracy');
    const matrix = metrics.confusionMatrix(multiclass.yTrue, multiclass.yPred);
    assert.deepEqual(matrix.labels, ['cat', 'dog', 'eel']);
    assert.deepEqual(matrix.matrix, reference.multiclass.confusion);
    const perClass = metrics.precisionRecallF1(multiclass.yTrue, multiclass.yPred);
    for (const key of ['precision', 'recall', 'f1', 'support'] as const) allClose(perClass[key], reference.multiclass.perClass[key], key);
    for (const average of ['micro', 'macro', 'weighted'] as const) {
      const got = metrics.precisionRecallF1(multiclass.yTrue, multiclass.yPred, { average });
      for (const key of ['precision', 'recall', 'f1'] as const) close(got[key], reference.multiclass[average][key], `${average} ${key}`);
    }
    close(metrics.precision(binary.yTrue, binary.yPred), reference.binary.precision, 'binary precision');
    close(metrics.recall(binary.yTrue, binary.yPred), reference.binary.recall, 'binary recall');
    close(metrics.f1(binary.yTrue, binary.yPred), reference.binary.f1, 'binary f1');
    close(metrics.accuracy(binary.yTrue, binary.yPred), reference.binary.accuracy, 'binary accuracy');
  });

  it('ROC curve and AUC, binary and one-vs-rest', () => {
    const roc = metrics.rocCurve(binary.yTrue, binary.scores);
    allClose(roc.x, reference.binary.rocFpr, 'fpr');
    allClose(roc.y, reference.binary.rocTpr, 'tpr');
    allClose(roc.thresholds.slice(1), reference.binary.rocThresholds, 'thresholds');
    close(metrics.rocAuc(binary.yTrue, binary.scores), reference.binary.rocAuc, 'AUC');
    close(metrics.rocAuc(multiclass.yTrue, multiclass.proba), reference.multiclass.rocAucOvrMacro, 'OvR macro AUC');
    close(
      metrics.rocAuc(multiclass.yTrue, multiclass.proba, { average: 'weighted' }),
      reference.multiclass.rocAucOvrWeighted,
      'OvR weighted AUC',
    );
  });

  it('precision-recall curve and average precision', () => {
    const pr = metrics.precisionRecallCurve(binary.yTrue, binary.scores);
    allClose(pr.y, reference.binary.prPrecision, 'precision');
    allClose(pr.x, reference.binary.prRecall, 'recall');
    allClose(pr.thresholds, reference.binary.prThresholds, 'thresholds');
    close(metrics.averagePrecision(binary.yTrue, binary.scores), reference.binary.averagePrecision, 'average precision');
  });

  it('log loss and calibration curves', () => {
    close(metrics.logLoss(binary.yTrue, binary.probs), reference.binary.logLoss, 'binary log loss');
    close(metrics.logLoss(multiclass.yTrue, multiclass.proba), reference.multiclass.logLoss, 'multiclass log loss');
    for (const [key, options] of [
      ['calibrationUniform5', { bins: 5 }],
      ['calibrationUniform10', { bins: 10 }],
      ['calibrationQuantile5', { bins: 5, strategy: 'quantile' as const }],
    ] as const) {
      const curve = metrics.calibrationCurve(binary.yTrue, binary.probs, options);
      allClose(curve.y, reference.binary[key].probTrue, `${key} fraction of positives`);
      allClose(curve.x, reference.binary[key].probPred, `${key} mean predicted`);
    }
  });

  it('MAE, MSE, RMSE and R²', () => {
    for (const key of ['mae', 'mse', 'rmse', 'r2'] as const)
      close(metrics[key](regression.yTrue, regression.yPred), reference.regression[key], key);
    assert.equal(metrics.r2([3, 3, 3], [3, 3, 3]), 1);
    assert.equal(metrics.r2([3, 3, 3], [2, 3, 3]), 0);
  });
});

describe('metrics as outputs and their errors', () => {
  it('stays callable as the metrics card builder', () => {
    const card = metrics({ accuracy: 0.9 }).data[MIME.metrics] as MetricsPayload;
    assert.deepEqual(card.values, [{ name: 'accuracy', value: 0.9 }]);
  });

  it('shows a confusion matrix, a classification report and curves richly', () => {
    const confusion = toMimeBundle(metrics.confusionMatrix(['a', 'b', 'a'], ['a', 'a', 'a']))[MIME.confusion] as ConfusionPayload;
    assert.deepEqual(confusion, {
      labels: ['a', 'b'],
      matrix: [
        [2, 0],
        [1, 0],
      ],
    });
    const report = toMimeBundle(metrics.classificationReport(multiclass.yTrue, multiclass.yPred));
    const payload = report[MIME.metrics] as MetricsPayload;
    assert.deepEqual(
      payload.classes?.rows.map((r) => r.label),
      ['cat', 'dog', 'eel', 'macro avg', 'weighted avg'],
    );
    assert.match(report['text/plain'], /^Classification report\naccuracy/);
    const roc = toMimeBundle(metrics.rocCurve(binary.yTrue, binary.scores))[MIME.chart] as ChartPayload;
    assert.equal(roc.kind, 'line');
    assert.equal(roc.xLabel, 'false positive rate');
    assert.match(roc.series[0]?.name ?? '', /^roc \(AUC 0\.835\)$/);
    assert.deepEqual(roc.series[1]?.y, roc.series[1]?.x, 'the chance diagonal');
    const calibration = toMimeBundle(metrics.calibrationCurve(binary.yTrue, binary.probs))[MIME.chart] as ChartPayload;
    assert.deepEqual(
      calibration.series.map((s) => s.name),
      ['model', 'perfectly calibrated'],
    );
  });

  it('says what is wrong with the input and how to fix it', () => {
    assert.throws(
      () => metrics.accuracy([1, 0, 1], [1, 0]),
      /yTrue has 3 values and yPred 2; they must be the same length \(one prediction per row\)/,
    );
    assert.throws(() => metrics.rocCurve(['a', 'b', 'a'], [0.1, 0.2, 0.3]), /which class is positive\? Pass \{ posLabel: "b" \}/);
    assert.throws(() => metrics.rocCurve(['a', 'b', 'c'], [0.1, 0.2, 0.3]), /is for two classes and yTrue has 3/);
    assert.throws(
      () => metrics.precision(multiclass.yTrue, multiclass.yPred),
      /average 'binary' is for two classes and there are 3; use average: 'macro', 'micro' or 'weighted'/,
    );
    assert.throws(() => metrics.rocCurve([0, 1], [0.5, Number.NaN]), /scores must be finite numbers; item 1 is null/);
    assert.throws(() => metrics.accuracy([1, '1'], [1, 1]), /labels mix number and string values/);
  });
});
