// Triton's model configuration (config.pbtxt, protobuf text format): the subset a model repository
// uses for an ONNX model: name, platform, max_batch_size, inputs and outputs with data types and
// dims, dynamic_batching with its queue delay, version_policy. Read what Triton writes; write what
// Triton reads.

export interface TensorConfig {
  name: string;
  /** Triton's TYPE_FP32, TYPE_INT64… */
  dataType: string;
  /** Without the batch dimension when maxBatchSize > 0, as Triton counts them. */
  dims: number[];
}

export interface ModelConfig {
  name: string;
  platform: string;
  /** 0: the model takes no batch dimension from Triton's point of view; > 0: the largest batch. */
  maxBatchSize: number;
  input: TensorConfig[];
  output: TensorConfig[];
  /** Present: requests are queued and run together, waiting at most this long for company. */
  dynamicBatching?: { maxQueueDelayMicroseconds: number; preferredBatchSize: number[] };
}

type Value = string | number | boolean | Message | Value[];
interface Message {
  [field: string]: Value[];
}

export class PbtxtError extends Error {}

/** Parses protobuf text format into fields that each hold every value given (repeated or not). */
export function parsePbtxt(text: string, file = 'config.pbtxt'): Message {
  const tokens = [...text.replace(/#[^\n]*/g, '').matchAll(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{}[\]:,<>;]|[^\s{}[\]:,<>;"']+/g)].map(
    (m) => ({ text: m[0], at: m.index ?? 0 }),
  );
  let i = 0;
  const where = () => {
    const at = tokens[i]?.at ?? text.length;
    const line = text.slice(0, at).split('\n').length;
    return `${file}, line ${line}`;
  };
  const scalar = (token: string): string | number | boolean => {
    if (/^["']/.test(token)) return JSON.parse(`"${token.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
    if (token === 'true' || token === 'false') return token === 'true';
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(token)) return Number(token);
    return token;
  };
  const value = (): Value => {
    const token = tokens[i]?.text;
    if (token === undefined) throw new PbtxtError(`${where()}: the file ends where a value belongs`);
    if (token === '{' || token === '<') return message(token === '{' ? '}' : '>');
    if (token === '[') {
      i++;
      const list: Value[] = [];
      while (tokens[i]?.text !== ']') {
        if (tokens[i] === undefined) throw new PbtxtError(`${where()}: a list is not closed with ]`);
        list.push(value());
        if (tokens[i]?.text === ',') i++;
      }
      i++;
      return list;
    }
    i++;
    return scalar(token);
  };
  const message = (close?: string): Message => {
    if (close) i++;
    const fields: Message = {};
    while (i < tokens.length && tokens[i]?.text !== close) {
      const name = tokens[i]?.text as string;
      if (!/^[A-Za-z_][\w.]*$/.test(name)) throw new PbtxtError(`${where()}: expected a field name, found ${JSON.stringify(name)}`);
      i++;
      if (tokens[i]?.text === ':') i++;
      else if (tokens[i]?.text !== '{' && tokens[i]?.text !== '<' && tokens[i]?.text !== '[')
        throw new PbtxtError(`${where()}: expected ':' after ${name}`);
      const v = value();
      (fields[name] ??= []).push(...(Array.isArray(v) ? v : [v]));
      if (tokens[i]?.text === ',' || tokens[i]?.text === ';') i++;
    }
    if (close) {
      if (tokens[i]?.text !== close) throw new PbtxtError(`${where()}: a message is not closed with ${close}`);
      i++;
    }
    return fields;
  };
  return message();
}

const one = (m: Message, field: string): Value | undefined => m[field]?.[0];
const str = (m: Message, field: string, fallback = ''): string => String(one(m, field) ?? fallback);
const num = (m: Message, field: string, fallback = 0): number => Number(one(m, field) ?? fallback);

export function readConfig(text: string, file = 'config.pbtxt'): ModelConfig {
  const m = parsePbtxt(text, file);
  const tensors = (field: string) =>
    (m[field] ?? []).map((t) => {
      const tensor = t as Message;
      return { name: str(tensor, 'name'), dataType: str(tensor, 'data_type', 'TYPE_FP32'), dims: (tensor.dims ?? []).map(Number) };
    });
  const batching = one(m, 'dynamic_batching') as Message | undefined;
  return {
    name: str(m, 'name'),
    platform: str(m, 'platform', str(m, 'backend') === 'onnxruntime' ? 'onnxruntime_onnx' : ''),
    maxBatchSize: num(m, 'max_batch_size'),
    input: tensors('input'),
    output: tensors('output'),
    ...(batching
      ? {
          dynamicBatching: {
            maxQueueDelayMicroseconds: num(batching, 'max_queue_delay_microseconds'),
            preferredBatchSize: (batching.preferred_batch_size ?? []).map(Number),
          },
        }
      : {}),
  };
}

export function writeConfig(config: ModelConfig): string {
  const tensor = (t: TensorConfig) =>
    `  {\n    name: ${JSON.stringify(t.name)}\n    data_type: ${t.dataType}\n    dims: [ ${t.dims.join(', ')} ]\n  }`;
  const lines = [
    `name: ${JSON.stringify(config.name)}`,
    `platform: ${JSON.stringify(config.platform)}`,
    `max_batch_size: ${config.maxBatchSize}`,
    `input [\n${config.input.map(tensor).join(',\n')}\n]`,
    `output [\n${config.output.map(tensor).join(',\n')}\n]`,
  ];
  const b = config.dynamicBatching;
  if (b)
    lines.push(
      `dynamic_batching {\n${b.preferredBatchSize.length ? `  preferred_batch_size: [ ${b.preferredBatchSize.join(', ')} ]\n` : ''}  max_queue_delay_microseconds: ${b.maxQueueDelayMicroseconds}\n}`,
    );
  return `${lines.join('\n')}\n`;
}
