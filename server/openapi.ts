// The server's API as an OpenAPI 3.1 document (/openapi.json), with each served model's inputs
// in the examples, so a client generator or a person reading it sees the real names and shapes.
import { version } from '../package.json';
import type { ServedModel } from './model';
import type { Repository } from './repository';

const TENSOR = {
  type: 'object',
  required: ['name', 'shape', 'datatype', 'data'],
  properties: {
    name: { type: 'string' },
    shape: { type: 'array', items: { type: 'integer' } },
    datatype: { type: 'string', enum: ['FP32', 'INT64'] },
    data: { type: 'array' },
  },
};
const ERROR = {
  description: 'What was wrong with the request',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } },
};
const VERSION = { name: 'version', in: 'path', required: true, schema: { type: 'string' } };
const ROWS = { type: 'object', required: ['rows'], properties: { rows: { type: 'array' } } };

const json = (schema: unknown, example?: unknown) => ({ 'application/json': { schema, ...(example ? { example } : {}) } });
const ok = (description: string) => ({ 200: { description }, 400: ERROR, 404: ERROR });
const get = (summary: string, description: string) => ({ get: { summary, responses: { 200: { description } } } });

/** Most values an example shows: a model with a 50M-wide input must not make a 50M-element page. */
export const EXAMPLE_VALUES = 1024;

/** Values one example row (free dimensions as 1) of this shape holds, and the zeros an example shows of them. */
export function exampleZeros(shape: readonly number[]): { size: number; zeros: number[] } {
  const size = shape.reduce((a, d) => a * (d === -1 ? 1 : d), 1);
  return { size, zeros: new Array<number>(Math.min(size, EXAMPLE_VALUES)).fill(0) };
}

/** An infer request of zeros in the shape of the model's inputs (free dimensions as 1), cut at EXAMPLE_VALUES per input. */
function exampleRequest(model: ServedModel | undefined): unknown {
  if (!model) return undefined;
  return {
    inputs: model.inputs.map((i) => ({
      name: i.name,
      shape: i.shape.map((d) => (d === -1 ? 1 : d)),
      datatype: i.datatype,
      data: exampleZeros(i.shape).zeros,
    })),
  };
}

function inferOperation(name: unknown, example: unknown, keys: boolean) {
  const request = {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string' },
      inputs: { type: 'array', items: TENSOR },
      outputs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    },
  };
  return {
    summary: 'Run the model on JSON tensors (Open Inference Protocol v2)',
    parameters: [name],
    requestBody: { required: true, content: json(request, example) },
    responses: { ...ok('The outputs, one JSON tensor each'), 413: ERROR, ...(keys ? { 401: ERROR, 429: ERROR } : {}) },
  };
}

function paths(name: unknown, infer: ReturnType<typeof inferOperation>) {
  return {
    '/v2/health/live': get('The server is running', '{ live: true }'),
    '/v2/health/ready': get('The server is ready for inference', '{ ready: true }'),
    '/v2': get('Server metadata', 'name, version, extensions'),
    '/v2/models/{name}': { get: { summary: 'Model metadata: versions, inputs, outputs', parameters: [name], responses: ok('Metadata') } },
    '/v2/models/{name}/versions/{version}': {
      get: { summary: 'Metadata of one version', parameters: [name, VERSION], responses: ok('Metadata') },
    },
    '/v2/models/{name}/ready': { get: { summary: 'The model is ready', parameters: [name], responses: ok('{ name, ready: true }') } },
    '/v2/models/{name}/infer': { post: infer },
    '/v2/models/{name}/versions/{version}/infer': { post: { ...infer, parameters: [name, VERSION] } },
    '/predict': {
      post: {
        summary: 'Plain JSON rows (numbers, named features or texts) to predictions, with class names when the model has labels',
        requestBody: { required: true, content: json(ROWS) },
        responses: ok('{ predictions }'),
      },
    },
    '/v2/models/{name}/predict': {
      post: {
        summary: 'Plain JSON rows for one model of several',
        parameters: [name],
        requestBody: { required: true, content: json(ROWS) },
        responses: ok('{ predictions }'),
      },
    },
    '/v2/models/{name}/drift': {
      get: {
        summary: 'Drift of the recent rows against the reference saved at export (PSI, KS or chi-square per feature)',
        parameters: [name],
        responses: ok('{ rows, features, drifted, predictions }'),
      },
    },
    '/metrics': get('Prometheus metrics', 'text/plain; version=0.0.4'),
    '/docs': get('This API as a page, with curl commands for each model', 'text/html'),
  };
}

export function openApi(repository: Repository, keys: boolean): unknown {
  const models = [...repository.values()].map((versions) => [...versions.values()].pop()!);
  const name = { name: 'name', in: 'path', required: true, schema: { type: 'string', enum: models.map((m) => m.name) } };
  const served = models.map((m) => `${m.name} (versions ${[...(repository.get(m.name)?.keys() ?? [])].join(', ')})`).join(', ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'AI Engineering Lab inference server',
      version,
      description: `Serves ${served}. Inference endpoints${keys ? ' need an API key (Authorization: Bearer <key>)' : ' are open'}; /metrics is in Prometheus' text format.`,
    },
    ...(keys ? { components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } }, security: [{ apiKey: [] }] } : {}),
    paths: paths(name, inferOperation(name, exampleRequest(models[0]), keys)),
  };
}
