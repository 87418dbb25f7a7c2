// The server's API as an OpenAPI 3.1 document (/openapi.json), with each served model's inputs
// in the examples, so a client generator or a person reading it sees the real names and shapes.
import { version } from '../package.json';
import type { Repository } from './repository';

export function openApi(repository: Repository, keys: boolean): unknown {
  const models = [...repository.values()].map((versions) => [...versions.values()].pop()!);
  const first = models[0];
  const tensor = {
    type: 'object',
    required: ['name', 'shape', 'datatype', 'data'],
    properties: {
      name: { type: 'string' },
      shape: { type: 'array', items: { type: 'integer' } },
      datatype: { type: 'string', enum: ['FP32', 'INT64'] },
      data: { type: 'array' },
    },
  };
  const error = {
    description: 'What was wrong with the request',
    content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } },
  };
  const example = first
    ? {
        inputs: first.inputs.map((i) => ({
          name: i.name,
          shape: i.shape.map((d) => (d === -1 ? 1 : d)),
          datatype: i.datatype,
          data: new Array(i.shape.reduce((a, d) => a * (d === -1 ? 1 : d), 1)).fill(0),
        })),
      }
    : undefined;
  const name = { name: 'name', in: 'path', required: true, schema: { type: 'string', enum: models.map((m) => m.name) } };
  const versionParam = { name: 'version', in: 'path', required: true, schema: { type: 'string' } };
  const json = (schema: unknown, ex?: unknown) => ({ 'application/json': { schema, ...(ex ? { example: ex } : {}) } });
  const ok = (description: string) => ({ 200: { description }, 400: error, 404: error });
  const infer = {
    post: {
      summary: 'Run the model on JSON tensors (Open Inference Protocol v2)',
      parameters: [name],
      requestBody: {
        required: true,
        content: json(
          {
            type: 'object',
            required: ['inputs'],
            properties: {
              id: { type: 'string' },
              inputs: { type: 'array', items: tensor },
              outputs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
            },
          },
          example,
        ),
      },
      responses: { ...ok('The outputs, one JSON tensor each'), 413: error, ...(keys ? { 401: error, 429: error } : {}) },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'AI Engineering Lab inference server',
      version,
      description: `Serves ${models.map((m) => `${m.name} (versions ${[...(repository.get(m.name)?.keys() ?? [])].join(', ')})`).join(', ')}. Inference endpoints${keys ? ' need an API key (Authorization: Bearer <key>)' : ' are open'}; /metrics is in Prometheus' text format.`,
    },
    ...(keys ? { components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } }, security: [{ apiKey: [] }] } : {}),
    paths: {
      '/v2/health/live': { get: { summary: 'The server is running', responses: { 200: { description: '{ live: true }' } } } },
      '/v2/health/ready': { get: { summary: 'The server is ready for inference', responses: { 200: { description: '{ ready: true }' } } } },
      '/v2': { get: { summary: 'Server metadata', responses: { 200: { description: 'name, version, extensions' } } } },
      '/v2/models/{name}': { get: { summary: 'Model metadata: versions, inputs, outputs', parameters: [name], responses: ok('Metadata') } },
      '/v2/models/{name}/versions/{version}': {
        get: { summary: 'Metadata of one version', parameters: [name, versionParam], responses: ok('Metadata') },
      },
      '/v2/models/{name}/ready': { get: { summary: 'The model is ready', parameters: [name], responses: ok('{ name, ready: true }') } },
      '/v2/models/{name}/infer': infer,
      '/v2/models/{name}/versions/{version}/infer': { post: { ...infer.post, parameters: [name, versionParam] } },
      '/predict': {
        post: {
          summary: 'Plain JSON rows (numbers, named features or texts) to predictions, with class names when the model has labels',
          requestBody: { required: true, content: json({ type: 'object', required: ['rows'], properties: { rows: { type: 'array' } } }) },
          responses: ok('{ predictions }'),
        },
      },
      '/v2/models/{name}/predict': {
        post: {
          summary: 'Plain JSON rows for one model of several',
          parameters: [name],
          requestBody: { required: true, content: json({ type: 'object', required: ['rows'], properties: { rows: { type: 'array' } } }) },
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
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain; version=0.0.4' } } } },
      '/docs': {
        get: { summary: 'This API as a page, with curl commands for each model', responses: { 200: { description: 'text/html' } } },
      },
    },
  };
}
