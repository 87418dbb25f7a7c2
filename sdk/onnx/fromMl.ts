// A classical `ml` model as an ONNX graph that gives the same class probabilities as predictProba:
// scalers as Sub/Div or Sub/Mul, logistic regression as MatMul + Add + Softmax, decision trees and
// random forests as ONNX-ML's TreeEnsembleClassifier (each leaf carries its class proportions,
// divided by the number of trees, so the runtime's sum over trees is the forest's average).
// Scalers before trees are folded into the thresholds: the runtime works in float32, and a value
// scaled there can land on the other side of a threshold than the same value scaled in float64.
import { LogisticRegression } from '../ml/logistic';
import { Classifier } from '../ml/model';
import type { Estimator } from '../ml/pipeline';
import { Pipeline } from '../ml/pipeline';
import { MinMaxScaler, StandardScaler } from '../ml/preprocessing';
import { DecisionTreeClassifier, RandomForestClassifier } from '../ml/tree';
import { ML_DOMAIN, type Attribute, type Graph, type Initializer, type Node } from './graph';
import { UnsupportedLayer } from './fromNn';

export function isMlModel(model: unknown): model is Estimator {
  return model instanceof Classifier || model instanceof Pipeline;
}

const FLOAT32_MAX = 3.4028234663852886e38;

const SUPPORTED =
  'export handles LogisticRegression, DecisionTreeClassifier and RandomForestClassifier, alone or after StandardScaler and MinMaxScaler in a Pipeline';

export function graphFromMl(model: Estimator, name: string): Graph {
  const steps = model instanceof Pipeline ? [...model.transformers, model.model] : [model];
  const nodes: Node[] = [];
  const initializers: Initializer[] = [];
  let current = 'input';
  const constant = (tensor: string, dims: number[], values: number[]) => {
    initializers.push({ name: tensor, dims, dtype: 'float32', values: Float32Array.from(values) });
    return tensor;
  };
  const apply = (op: string, inputs: string[], output = `${op.toLowerCase()}_${nodes.length}`, attributes?: Node['attributes']) => {
    nodes.push({ op, name: output, inputs: [current, ...inputs], outputs: [output], ...(attributes ? { attributes } : {}) });
    current = output;
  };
  const classifier = steps[steps.length - 1];
  if (!(
    classifier instanceof LogisticRegression ||
    classifier instanceof DecisionTreeClassifier ||
    classifier instanceof RandomForestClassifier
  ))
    throw new UnsupportedLayer(`onnx.export: ${classifier?.constructor.name} is not supported yet; ${SUPPORTED}.`);
  if (!classifier.classes.length) throw new UnsupportedLayer('onnx.export: the model is not trained yet: call fit(X, y) first.');
  const features = classifier.features;
  const k = classifier.classes.length;
  const outputs: Graph['outputs'] = [{ name: 'output', dtype: 'float32', shape: ['batch', k] }];
  const inputs: Graph['inputs'] = [{ name: 'input', dtype: 'float32', shape: ['batch', features] }];
  if (!(classifier instanceof LogisticRegression)) {
    const trees = classifier instanceof RandomForestClassifier ? classifier.trees : [classifier];
    nodes.push({
      op: 'TreeEnsembleClassifier',
      domain: ML_DOMAIN,
      name: 'trees',
      inputs: ['input'],
      outputs: ['label', 'output'],
      attributes: treeEnsemble(trees, k, scaling(steps.slice(0, -1), features)),
    });
    return { name, nodes, initializers, inputs, outputs };
  }
  steps.slice(0, -1).forEach((step, i) => {
    if (step instanceof StandardScaler) {
      apply('Sub', [constant(`scaler_${i}/mean`, [features], step.mean)]);
      apply('Div', [constant(`scaler_${i}/scale`, [features], step.scale)]);
    } else if (step instanceof MinMaxScaler) {
      apply('Sub', [constant(`scaler_${i}/min`, [features], step.min)]);
      // A constant column scales to 0, as MinMaxScaler.transform gives.
      apply('Mul', [
        constant(
          `scaler_${i}/inverse_range`,
          [features],
          step.max.map((max, j) => (max === step.min[j] ? 0 : 1 / (max - (step.min[j] as number)))),
        ),
      ]);
    } else unsupported(step);
  });
  const transposed = Array.from({ length: features * k }, (_, i) => classifier.weights[i % k]?.[Math.floor(i / k)] as number);
  apply('MatMul', [constant('logistic/coefficients', [features, k], transposed)]);
  apply('Add', [constant('logistic/intercepts', [k], classifier.intercepts)]);
  apply('Softmax', [], 'output', { axis: -1 });
  return { name, nodes, initializers, inputs, outputs };
}

/** The scalers as one map per feature, scaled = gain · x + offset (gain ≥ 0). */
function scaling(scalers: readonly unknown[], features: number): Array<{ gain: number; offset: number }> {
  const maps = Array.from({ length: features }, () => ({ gain: 1, offset: 0 }));
  for (const step of scalers) {
    maps.forEach((m, j) => {
      const [shift, gain] =
        step instanceof StandardScaler
          ? [step.mean[j] as number, 1 / (step.scale[j] as number)]
          : step instanceof MinMaxScaler
            ? [step.min[j] as number, step.max[j] === step.min[j] ? 0 : 1 / ((step.max[j] as number) - (step.min[j] as number))]
            : unsupported(step);
      m.gain *= gain;
      m.offset = (m.offset - shift) * gain;
    });
  }
  return maps;
}

function unsupported(step: unknown): never {
  throw new UnsupportedLayer(`onnx.export: pipeline step ${(step as object).constructor.name} is not supported yet; ${SUPPORTED}.`);
}

/**
 * TreeEnsembleClassifier's attributes: every split node as (tree, node, feature, threshold,
 * x ≤ threshold → true branch), and every leaf's weight for each class. Labels are the class
 * positions; their names are in the file's `labels` metadata, like the other exports.
 */
function treeEnsemble(
  trees: readonly DecisionTreeClassifier[],
  classes: number,
  scale: ReadonlyArray<{ gain: number; offset: number }>,
): Record<string, Attribute> {
  // scaled ≤ t ⇔ x ≤ (t − offset) / gain; a feature the scalers flatten to a constant always goes one way.
  const threshold = (feature: number, t: number) => {
    const { gain, offset } = scale[feature] as { gain: number; offset: number };
    return gain > 0 ? (t - offset) / gain : offset <= t ? FLOAT32_MAX : -FLOAT32_MAX;
  };
  const a = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
  };
  const leaf = { treeIds: [] as number[], nodeIds: [] as number[], classIds: [] as number[], weights: [] as number[] };
  trees.forEach((tree, t) => {
    tree.nodes.forEach((node, id) => {
      const split = node.feature >= 0;
      a.treeIds.push(t);
      a.nodeIds.push(id);
      a.featureIds.push(split ? node.feature : 0);
      a.values.push(split ? threshold(node.feature, node.threshold) : 0);
      a.modes.push(split ? 'BRANCH_LEQ' : 'LEAF');
      a.trueIds.push(split ? node.left : 0);
      a.falseIds.push(split ? node.right : 0);
      if (split) return;
      for (let c = 0; c < classes; c++) {
        leaf.treeIds.push(t);
        leaf.nodeIds.push(id);
        leaf.classIds.push(c);
        leaf.weights.push((node.value[c] ?? 0) / trees.length);
      }
    });
  });
  return {
    classlabels_int64s: Array.from({ length: classes }, (_, c) => c),
    nodes_treeids: a.treeIds,
    nodes_nodeids: a.nodeIds,
    nodes_featureids: a.featureIds,
    nodes_values: { floats: a.values },
    nodes_modes: { strings: a.modes },
    nodes_truenodeids: a.trueIds,
    nodes_falsenodeids: a.falseIds,
    class_treeids: leaf.treeIds,
    class_nodeids: leaf.nodeIds,
    class_ids: leaf.classIds,
    class_weights: { floats: leaf.weights },
    post_transform: 'NONE',
  };
}
