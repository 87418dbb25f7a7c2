// A classical `ml` model as an ONNX graph in standard operators: scalers as Sub/Div or Sub/Mul,
// logistic regression as MatMul + Add + Softmax, so the file gives the same class probabilities
// as predictProba.
import { LogisticRegression } from '../ml/logistic';
import { Classifier } from '../ml/model';
import type { Estimator } from '../ml/pipeline';
import { Pipeline } from '../ml/pipeline';
import { MinMaxScaler, StandardScaler } from '../ml/preprocessing';
import type { Graph, Initializer, Node } from './graph';
import { UnsupportedLayer } from './fromNn';

export function isMlModel(model: unknown): model is Estimator {
  return model instanceof Classifier || model instanceof Pipeline;
}

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
  if (!(classifier instanceof LogisticRegression)) throw new UnsupportedLayer(`onnx.export: ${classifier?.constructor.name} is not supported yet; export handles LogisticRegression, alone or after StandardScaler and MinMaxScaler in a Pipeline.`);
  if (!classifier.classes.length) throw new UnsupportedLayer('onnx.export: the model is not trained yet: call fit(X, y) first.');
  const features = classifier.weights[0]?.length ?? 0;
  steps.slice(0, -1).forEach((step, i) => {
    if (step instanceof StandardScaler) {
      apply('Sub', [constant(`scaler_${i}/mean`, [features], step.mean)]);
      apply('Div', [constant(`scaler_${i}/scale`, [features], step.scale)]);
    } else if (step instanceof MinMaxScaler) {
      apply('Sub', [constant(`scaler_${i}/min`, [features], step.min)]);
      // A constant column scales to 0, as MinMaxScaler.transform gives.
      apply('Mul', [constant(`scaler_${i}/inverse_range`, [features], step.max.map((max, j) => (max === step.min[j] ? 0 : 1 / (max - (step.min[j] as number)))))]);
    } else throw new UnsupportedLayer(`onnx.export: pipeline step ${step.constructor.name} is not supported yet; export handles StandardScaler and MinMaxScaler before the classifier.`);
  });
  const k = classifier.classes.length;
  const transposed = Array.from({ length: features * k }, (_, i) => classifier.weights[i % k]?.[Math.floor(i / k)] as number);
  apply('MatMul', [constant('logistic/coefficients', [features, k], transposed)]);
  apply('Add', [constant('logistic/intercepts', [k], classifier.intercepts)]);
  apply('Softmax', [], 'output', { axis: -1 });
  return { name, nodes, initializers, inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', features] }], outputs: [{ name: 'output', dtype: 'float32', shape: ['batch', k] }] };
}
