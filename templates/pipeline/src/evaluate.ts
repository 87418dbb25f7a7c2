// Step 4, evaluation: on rows the model never trained on. The pipeline calls it on the validation
// split for every run of the sweep (val_* metrics) and on the test split for the chosen run only
// (test_* metrics, the ones the quality gate reads).
import { metrics, nn } from 'aielab';
import type { FeatureSpec } from './features';
import type { Model } from './train';

export interface Scores extends Record<string, number> {
  accuracy: number;
  f1_macro: number;
}

export function evaluate(model: Model, spec: FeatureSpec, x: number[][], y: number[]): Scores {
  const predicted = nn.predict(model, x).map((p) => spec.classes[p.indexOf(Math.max(...p))] as string);
  const actual = y.map((code) => spec.classes[code] as string);
  return { accuracy: metrics.accuracy(actual, predicted), f1_macro: metrics.f1(actual, predicted, { average: 'macro' }) };
}

/** The same scores under the names a run logs them with, which say the split: val_accuracy, test_f1_macro. */
export function named(split: 'val' | 'test', scores: Scores): Record<string, number> {
  return Object.fromEntries(Object.entries(scores).map(([name, value]) => [`${split}_${name}`, value]));
}
