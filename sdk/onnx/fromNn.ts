// An `nn` (TensorFlow.js layers) model as an ONNX graph: a chain of layers, each lowered to ONNX
// operators with its weights as initializers, batch dimension left free. TensorFlow.js works
// channels-last; ONNX's Conv and MaxPool work channels-first, so 1-D convolutions and pooling are
// wrapped in transposes.
import type { LayersModel, Tensor } from '../nn/tf';
import type { Graph, Initializer, Node } from './graph';

interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): Tensor[];
}

class Builder {
  readonly nodes: Node[] = [];
  readonly initializers: Initializer[] = [];
  /** An Embedding with maskZero came before: TensorFlow.js' recurrent layers then skip padded steps. */
  masked = false;
  private counter = 0;

  constructor(public current: string) {}

  /** An int64 constant (a shape, for Reshape). */
  ints(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dtype: 'int64', values: BigInt64Array.from(values, BigInt) });
    return name;
  }

  weight(name: string, tensor: Tensor | { shape: number[]; values: Float32Array }): string {
    const values = 'values' in tensor ? tensor.values : (tensor.dataSync() as Float32Array);
    this.initializers.push({ name, dims: [...tensor.shape] as number[], dtype: 'float32', values: Float32Array.from(values) });
    return name;
  }

  /** Applies `op` to the current tensor (and `extra` inputs); the result becomes the current tensor. */
  apply(layer: string, op: string, extra: string[] = [], attributes?: Node['attributes']): string {
    return this.node(layer, op, [this.current, ...extra], attributes);
  }

  /**
   * Names the tensor a layer ended on after the layer (nodes since `from`), so onnx.trace can set
   * each layer's TensorFlow.js output beside the file's. A layer that added no node (Dropout) keeps
   * the previous name; the graph's own input and output names are left to the graph.
   */
  nameLayerOutput(layer: string, from: number): void {
    const last = this.nodes[this.nodes.length - 1];
    if (this.nodes.length === from || !last || last.outputs[0] !== this.current || layer === 'input' || layer === 'output') return;
    last.outputs[0] = layer;
    this.current = layer;
  }

  /** A node with these inputs; its output becomes the current tensor. */
  node(
    layer: string,
    op: string,
    inputs: string[],
    attributes?: Node['attributes'],
    output = `${layer}/${op.toLowerCase()}_${this.counter++}`,
  ): string {
    this.nodes.push({ op, name: output, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    this.current = output;
    return output;
  }
}

export class UnsupportedLayer extends Error {}

export function graphFromNn(model: LayersModel, name: string): Graph {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new UnsupportedLayer(
      `onnx.export: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; export handles models with one of each.`,
    );
  const inputShape = model.inputs[0]?.shape ?? [];
  const outputShape = model.outputs[0]?.shape ?? [];
  const layers = (model.layers as unknown as LayerLike[]).filter((l) => l.getClassName() !== 'InputLayer');
  checkChain(model);
  const b = new Builder('input');
  for (const layer of layers) {
    const from = b.nodes.length;
    lower(b, layer);
    b.nameLayerOutput(layer.name, from);
  }
  // The graph's output gets a stable name whatever its last node was.
  b.node('output', 'Identity', [b.current], undefined, 'output');
  return {
    name,
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: 'input', dtype: 'float32', shape: inputShape.map((d, i) => (i === 0 ? 'batch' : (d ?? `d${i}`))) }],
    outputs: [{ name: 'output', dtype: 'float32', shape: outputShape.map((d, i) => (i === 0 ? 'batch' : (d ?? `d${i}`))) }],
  };
}

/** Only a chain: every layer takes the previous layer's output. */
function checkChain(model: LayersModel): void {
  for (const layer of model.layers) {
    const inbound = (layer as unknown as { inboundNodes: Array<{ inboundLayers: unknown[] }> }).inboundNodes ?? [];
    if (inbound.some((n) => n.inboundLayers.length > 1))
      throw new UnsupportedLayer(
        `onnx.export: layer ${layer.name} joins several inputs; export handles a chain of layers (a Sequential model, or a functional one without branches).`,
      );
  }
}

function lower(b: Builder, layer: LayerLike): void {
  const config = layer.getConfig();
  const name = layer.name;
  const weights = layer.getWeights();
  switch (layer.getClassName()) {
    case 'Dense': {
      b.apply(name, 'MatMul', [b.weight(`${name}/kernel`, weights[0] as Tensor)]);
      if (config.useBias !== false) b.apply(name, 'Add', [b.weight(`${name}/bias`, weights[1] as Tensor)]);
      activation(b, name, config.activation);
      return;
    }
    case 'Activation':
      activation(b, name, config.activation);
      return;
    case 'Dropout':
    case 'SpatialDropout1D':
    case 'GaussianNoise':
    case 'GaussianDropout':
      // Identity at inference.
      return;
    case 'Flatten':
      b.apply(name, 'Flatten', [], { axis: 1 });
      return;
    case 'Embedding': {
      // Token ids arrive as numbers (as nn.predict takes them); Gather wants integers.
      b.masked ||= config.maskZero === true;
      const ids = b.apply(name, 'Cast', [], { to: 7 });
      b.node(name, 'Gather', [b.weight(`${name}/embeddings`, weights[0] as Tensor), ids], { axis: 0 });
      return;
    }
    case 'GlobalAveragePooling1D':
      b.apply(name, 'ReduceMean', [], { axes: [1], keepdims: 0 });
      return;
    case 'GlobalMaxPooling1D':
      b.apply(name, 'ReduceMax', [], { axes: [1], keepdims: 0 });
      return;
    case 'Conv1D': {
      const padding = String(config.padding);
      const [k] = config.kernelSize as number[];
      const [stride] = config.strides as number[];
      const [dilation] = config.dilationRate as number[];
      if (padding === 'causal')
        throw new UnsupportedLayer(`onnx.export: layer ${name} (Conv1D) pads "causal"; export handles "valid" and "same".`);
      const kernel = weights[0] as Tensor;
      const [kk, cin, cout] = kernel.shape as [number, number, number];
      const w = kernel.dataSync() as Float32Array;
      // TensorFlow.js: [k, in, out]; ONNX: [out, in, k].
      const values = new Float32Array(cout * cin * kk);
      for (let o = 0; o < cout; o++)
        for (let i = 0; i < cin; i++) for (let t = 0; t < kk; t++) values[(o * cin + i) * kk + t] = w[(t * cin + i) * cout + o] as number;
      const total = padding === 'same' ? (dilation ?? 1) * ((k ?? 1) - 1) : 0;
      b.apply(name, 'Transpose', [], { perm: [0, 2, 1] });
      const inputs = [b.weight(`${name}/kernel`, { shape: [cout, cin, kk], values })];
      if (config.useBias !== false) inputs.push(b.weight(`${name}/bias`, weights[1] as Tensor));
      b.apply(name, 'Conv', inputs, {
        kernel_shape: [kk],
        strides: [stride ?? 1],
        dilations: [dilation ?? 1],
        pads: [Math.floor(total / 2), total - Math.floor(total / 2)],
      });
      b.apply(name, 'Transpose', [], { perm: [0, 2, 1] });
      activation(b, name, config.activation);
      return;
    }
    case 'MaxPooling1D': {
      const [pool] = config.poolSize as number[];
      const [stride] = (config.strides as number[] | null) ?? [pool];
      if (config.padding !== 'valid')
        throw new UnsupportedLayer(`onnx.export: layer ${name} (MaxPooling1D) pads "${config.padding}"; export handles "valid".`);
      b.apply(name, 'Transpose', [], { perm: [0, 2, 1] });
      b.apply(name, 'MaxPool', [], { kernel_shape: [pool ?? 2], strides: [stride ?? pool ?? 2] });
      b.apply(name, 'Transpose', [], { perm: [0, 2, 1] });
      return;
    }
    case 'BatchNormalization': {
      // Folded into a scale and a shift over the last axis: y = x * gamma / sqrt(var + eps) + (beta - mean * gamma / sqrt(var + eps)).
      const epsilon = Number(config.epsilon ?? 1e-3);
      const [gamma, beta, mean, variance] = config.scale === false || config.center === false ? [] : weights;
      if (!gamma || !beta || !mean || !variance)
        throw new UnsupportedLayer(`onnx.export: layer ${name} (BatchNormalization) without scale or center is not supported.`);
      const g = gamma.dataSync(),
        bt = beta.dataSync(),
        m = mean.dataSync(),
        v = variance.dataSync();
      const scale = Float32Array.from(g, (gi, i) => gi / Math.sqrt((v[i] as number) + epsilon));
      const shift = Float32Array.from(bt, (bi, i) => bi - (m[i] as number) * (scale[i] as number));
      b.apply(name, 'Mul', [b.weight(`${name}/scale`, { shape: [scale.length], values: scale })]);
      b.apply(name, 'Add', [b.weight(`${name}/shift`, { shape: [shift.length], values: shift })]);
      return;
    }
    case 'SimpleRNN':
    case 'GRU':
    case 'LSTM':
      recurrent(b, name, [layer], config);
      return;
    case 'Bidirectional': {
      const wrapper = layer as LayerLike & { forwardLayer: LayerLike; backwardLayer: LayerLike };
      if ((config.mergeMode ?? 'concat') !== 'concat')
        throw new UnsupportedLayer(
          `onnx.export: layer ${name} (Bidirectional) merges with "${String(config.mergeMode)}"; export handles "concat".`,
        );
      recurrent(b, name, [wrapper.forwardLayer, wrapper.backwardLayer], wrapper.forwardLayer.getConfig());
      return;
    }
    default:
      throw new UnsupportedLayer(
        `onnx.export: layer ${name} (${layer.getClassName()}) is not supported yet. Supported: Dense, Activation, Dropout, Flatten, Embedding, GlobalAveragePooling1D, GlobalMaxPooling1D, Conv1D, MaxPooling1D, BatchNormalization, SimpleRNN, GRU, LSTM, Bidirectional.`,
      );
  }
}

/** TensorFlow.js activation names, as ONNX operators. */
function activation(b: Builder, layer: string, name: unknown): void {
  switch (name) {
    case undefined:
    case null:
    case 'linear':
      return;
    case 'relu':
      b.apply(layer, 'Relu');
      return;
    case 'sigmoid':
      b.apply(layer, 'Sigmoid');
      return;
    case 'tanh':
      b.apply(layer, 'Tanh');
      return;
    case 'softmax':
      b.apply(layer, 'Softmax', [], { axis: -1 });
      return;
    case 'elu':
      b.apply(layer, 'Elu', [], { alpha: { float: 1 } });
      return;
    case 'selu':
      b.apply(layer, 'Selu');
      return;
    case 'softplus':
      b.apply(layer, 'Softplus');
      return;
    case 'softsign':
      b.apply(layer, 'Softsign');
      return;
    case 'hardSigmoid':
      b.apply(layer, 'HardSigmoid', [], { alpha: { float: 0.2 }, beta: { float: 0.5 } });
      return;
    case 'relu6':
      b.apply(layer, 'Clip', [
        b.weight(`${layer}/zero`, { shape: [], values: Float32Array.of(0) }),
        b.weight(`${layer}/six`, { shape: [], values: Float32Array.of(6) }),
      ]);
      return;
    case 'swish': {
      const x = b.current;
      const s = b.apply(layer, 'Sigmoid');
      b.node(layer, 'Mul', [x, s]);
      return;
    }
    default:
      throw new UnsupportedLayer(`onnx.export: layer ${layer} uses activation "${String(name)}", which export does not support yet.`);
  }
}

/** ONNX's names for the activations its recurrent operators take. */
const RNN_ACTIVATIONS: Readonly<Record<string, string>> = { tanh: 'Tanh', sigmoid: 'Sigmoid', hardSigmoid: 'HardSigmoid', relu: 'Relu' };

/** TensorFlow.js' gate blocks (kernel columns) in ONNX's order: LSTM is i, f, c, o there and i, o, f, c in ONNX. */
const GATES: Readonly<Record<string, number[]>> = { SimpleRNN: [0], GRU: [0, 1, 2], LSTM: [0, 3, 1, 2] };

/**
 * One recurrent layer, or both directions of a Bidirectional one, as ONNX's RNN, GRU or LSTM
 * (sequence-first, so the input is transposed), then shaped back to what TensorFlow.js returns:
 * the last state [batch, units × directions], or every step [batch, steps, units × directions].
 */
function recurrent(b: Builder, name: string, directions: LayerLike[], config: Record<string, unknown>): void {
  const kind = directions[0]!.getClassName();
  const gates = GATES[kind] as number[];
  const units = Number(config.units);
  if (b.masked)
    throw new UnsupportedLayer(
      `onnx.export: layer ${name} (${kind}) follows an Embedding with maskZero, so it skips padded steps, which ONNX's ${kind} cannot; export the model without maskZero (pad at the end and it changes little).`,
    );
  if (config.goBackwards || config.stateful || config.returnState)
    throw new UnsupportedLayer(
      `onnx.export: layer ${name} (${kind}) runs backwards, keeps state or returns its state; export handles plain and Bidirectional recurrent layers.`,
    );
  const names =
    kind === 'SimpleRNN'
      ? [config.activation]
      : kind === 'GRU'
        ? [config.recurrentActivation, config.activation]
        : [config.recurrentActivation, config.activation, config.activation];
  const activations = names.map((a) => {
    const onnxName = RNN_ACTIVATIONS[String(a)];
    if (!onnxName)
      throw new UnsupportedLayer(
        `onnx.export: layer ${name} (${kind}) uses activation "${String(a)}"; ONNX's ${kind} takes tanh, sigmoid, hardSigmoid or relu.`,
      );
    return onnxName;
  });
  const dirs = directions.length;
  const size = gates.length * units;
  // ONNX: W [dirs, gates·units, input], R [dirs, gates·units, units], B [dirs, 2·gates·units] (input biases, then recurrent ones: zero here).
  const blocks = directions.map((layer) =>
    layer.getWeights().map((w) => ({ shape: w.shape as number[], values: w.dataSync() as Float32Array })),
  );
  const inputSize = blocks[0]![0]!.shape[0] as number;
  const transposed = (matrix: { shape: number[]; values: Float32Array }, rows: number) => {
    const out = new Float32Array(size * rows);
    gates.forEach((gate, g) => {
      for (let u = 0; u < units; u++)
        for (let r = 0; r < rows; r++) out[(g * units + u) * rows + r] = matrix.values[r * size + gate * units + u] as number;
    });
    return out;
  };
  const W = new Float32Array(dirs * size * inputSize);
  const R = new Float32Array(dirs * size * units);
  const B = new Float32Array(dirs * 2 * size);
  blocks.forEach(([kernel, recurrentKernel, bias], d) => {
    W.set(transposed(kernel!, inputSize), d * size * inputSize);
    R.set(transposed(recurrentKernel!, units), d * size * units);
    if (bias) gates.forEach((gate, g) => B.set(bias.values.subarray(gate * units, (gate + 1) * units), d * 2 * size + g * units));
  });
  b.apply(name, 'Transpose', [], { perm: [1, 0, 2] });
  const op = kind === 'SimpleRNN' ? 'RNN' : kind;
  const inputs = [
    b.current,
    b.weight(`${name}/W`, { shape: [dirs, size, inputSize], values: W }),
    b.weight(`${name}/R`, { shape: [dirs, size, units], values: R }),
    b.weight(`${name}/B`, { shape: [dirs, 2 * size], values: B }),
  ];
  const sequence = `${name}/Y`;
  const last = `${name}/Y_h`;
  b.nodes.push({
    op,
    name: `${name}/${op}`,
    inputs,
    outputs: kind === 'LSTM' ? [sequence, last, `${name}/Y_c`] : [sequence, last],
    attributes: {
      hidden_size: units,
      direction: dirs === 2 ? 'bidirectional' : 'forward',
      activations: { strings: dirs === 2 ? [...activations, ...activations] : activations },
    },
  });
  if (config.returnSequences) {
    b.current = sequence;
    b.apply(name, 'Transpose', [], { perm: [2, 0, 1, 3] });
    b.apply(name, 'Reshape', [b.ints(`${name}/sequence_shape`, [0, 0, dirs * units])]);
  } else {
    b.current = last;
    b.apply(name, 'Transpose', [], { perm: [1, 0, 2] });
    b.apply(name, 'Reshape', [b.ints(`${name}/state_shape`, [-1, dirs * units])]);
  }
}
