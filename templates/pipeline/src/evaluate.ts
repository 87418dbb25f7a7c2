// Step 4, evaluation: on the held-out rows only, with the metrics the quality gate reads.
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
