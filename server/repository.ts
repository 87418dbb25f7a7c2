// What a server serves: one .onnx file, a registered model (models:/name@alias, models:/name/3),
// or a Triton-style model repository (<repo>/<model>/config.pbtxt, <repo>/<model>/<version>/model.onnx),
// several models and versions at once. writeToRepository lays a file out the same way; findModel
// picks the model and version a request names.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { openTracking } from '../tracking/open';
import { RequestError } from './errors';
import { ServedModel, type TensorSpec } from './model';
import { readConfig, writeConfig, type ModelConfig, type TensorConfig } from './pbtxt';

export interface BatchingOptions {
  /** Largest batch a call runs (default 64). */
  maxBatchSize?: number;
  /**
   * Dynamic batching: how long a request may wait for others (milliseconds). Default 0: no
   * waiting, requests that queue while the model is busy run together. null: one call per request.
   */
  maxQueueDelayMs?: number | null;
}

export interface RepositoryOptions extends BatchingOptions {
  /** The name a single file is served under (default: the file's name). */
  name?: string;
  /** Where models:/ names are looked up (default MLFLOW_TRACKING_URI, then ./mlruns). */
  trackingUri?: string;
}

/** name → version → model; versions in ascending order. */
export type Repository = Map<string, Map<string, ServedModel>>;

/** A model, and a version of it, as a route names them (/v2/models/:name/versions/:version). */
export interface ModelRoute {
  name: string;
  version?: string;
}

const MODEL_FILE = 'model.onnx';

/** The version a route names, or the latest one; a 404 listing what there is when there is no such model. */
export function findModel(repository: Repository, { name, version }: ModelRoute): ServedModel {
  const versions = repository.get(name);
  if (!versions)
    throw new RequestError(`no model named ${JSON.stringify(name)}; this server has ${[...repository.keys()].join(', ')}`, 404);
  const model = version === undefined ? [...versions.values()].pop() : versions.get(version);
  if (!model) throw new RequestError(`model ${name} has no version ${version}; it has ${[...versions.keys()].join(', ')}`, 404);
  return model;
}

/** The model a route without a name means (POST /predict): there must be exactly one. */
export function onlyModel(repository: Repository): ServedModel {
  if (repository.size !== 1)
    throw new RequestError(
      `this server has ${repository.size} models (${[...repository.keys()].join(', ')}): POST /v2/models/<name>/predict`,
      404,
    );
  return findModel(repository, { name: [...repository.keys()][0] as string });
}

/** The model a request's route parameters name, or the only one when they name none. */
export function modelOf(repository: Repository, params: Partial<ModelRoute>): ServedModel {
  return params.name ? findModel(repository, params as ModelRoute) : onlyModel(repository);
}

export async function loadRepository(target: string, options: RepositoryOptions = {}): Promise<Repository> {
  const repository: Repository = new Map();
  const add = (model: ServedModel) => {
    const versions = repository.get(model.name) ?? new Map<string, ServedModel>();
    versions.set(model.version, model);
    repository.set(model.name, new Map([...versions].sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))));
  };
  if (target.startsWith('models:/')) {
    const { registry } = openTracking(options.trackingUri ?? process.env.MLFLOW_TRACKING_URI);
    const version = registry.resolve(target);
    const dir = registry.localPath(version);
    const file = existsSync(join(dir, MODEL_FILE)) ? join(dir, MODEL_FILE) : findOnnx(dir);
    if (!file)
      throw new Error(
        `${target} (version ${version.version} of ${version.name}) has no .onnx file in ${dir}; register a run whose artifacts hold the exported model.`,
      );
    const name = options.name ?? version.name;
    add(await ServedModel.load(file, { name, version: String(version.version), config: (i, o) => generatedConfig(name, i, o, options) }));
    return repository;
  }
  const path = resolve(target);
  if (!existsSync(path))
    throw new Error(`Nothing to serve at ${path}: give an .onnx file, a model repository folder, or models:/<name>@<alias>.`);
  if (statSync(path).isFile()) {
    if (!/\.onnx$/i.test(path)) throw new Error(`${target} is not an .onnx file; export the model with onnx.export first.`);
    const name = options.name ?? modelName(basename(path).replace(/\.onnx$/i, ''));
    add(await ServedModel.load(path, { name, version: '1', config: (i, o) => generatedConfig(name, i, o, options) }));
    return repository;
  }
  const modelDirs =
    existsSync(join(path, 'config.pbtxt')) || versionDirs(path).length
      ? [path]
      : readdirSync(path)
          .map((d) => join(path, d))
          .filter((d) => statSync(d).isDirectory() && (existsSync(join(d, 'config.pbtxt')) || versionDirs(d).length));
  if (!modelDirs.length)
    throw new Error(
      `${target} is not a model repository: expected <model>/config.pbtxt and <model>/<version>/${MODEL_FILE} folders (aielab serve writes one with --save-repository).`,
    );
  for (const dir of modelDirs) {
    const configFile = join(dir, 'config.pbtxt');
    const written = existsSync(configFile) ? readConfig(readFileSync(configFile, 'utf8'), configFile) : undefined;
    const name = written?.name || basename(dir);
    const versions = versionDirs(dir);
    if (!versions.length) throw new Error(`${dir} has no version folder with ${MODEL_FILE} (e.g. ${join(dir, '1', MODEL_FILE)}).`);
    for (const version of versions) {
      add(
        await ServedModel.load(join(dir, version, MODEL_FILE), {
          name,
          version,
          config: (i, o) => (written ? checkedConfig(written, configFile, i, o, options) : generatedConfig(name, i, o, options)),
        }),
      );
    }
  }
  return repository;
}

/** Lays `file` out as <repo>/<name>/<version>/model.onnx with a config.pbtxt Triton reads too. */
export async function writeToRepository(
  repo: string,
  file: string,
  options: BatchingOptions & { name?: string; version?: number } = {},
): Promise<string> {
  const name = options.name ?? modelName(basename(file).replace(/\.onnx$/i, ''));
  const version = String(options.version ?? 1);
  const model = await ServedModel.load(resolve(file), { name, version, config: (i, o) => generatedConfig(name, i, o, options) });
  await model.close();
  const dir = join(resolve(repo), name);
  mkdirSync(join(dir, version), { recursive: true });
  copyFileSync(resolve(file), join(dir, version, MODEL_FILE));
  writeFileSync(join(dir, 'config.pbtxt'), writeConfig(model.config));
  return dir;
}

function versionDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((d) => /^\d+$/.test(d) && existsSync(join(dir, d, MODEL_FILE)))
    .sort((a, b) => Number(a) - Number(b));
}

function findOnnx(dir: string): string | undefined {
  const found = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.onnx')) : undefined;
  return found ? join(dir, found) : undefined;
}

function modelName(text: string): string {
  return text.replace(/[^\w.-]+/g, '-') || 'model';
}

const TYPES: Record<string, string> = {
  FP32: 'TYPE_FP32',
  FP64: 'TYPE_FP64',
  INT64: 'TYPE_INT64',
  INT32: 'TYPE_INT32',
  INT8: 'TYPE_INT8',
  UINT8: 'TYPE_UINT8',
  BOOL: 'TYPE_BOOL',
  BYTES: 'TYPE_STRING',
  FP16: 'TYPE_FP16',
};

/** Triton's view: with batching, dims leave out the batch dimension. */
function generatedConfig(name: string, inputs: TensorSpec[], outputs: TensorSpec[], options: BatchingOptions): ModelConfig {
  const batched = [...inputs, ...outputs].every((t) => t.shape[0] === -1);
  const maxBatchSize = batched ? (options.maxBatchSize ?? 64) : 0;
  const tensor = (t: TensorSpec): TensorConfig => ({
    name: t.name,
    dataType: TYPES[t.datatype] ?? `TYPE_${t.datatype}`,
    dims: batched ? t.shape.slice(1) : t.shape,
  });
  return {
    name,
    platform: 'onnxruntime_onnx',
    maxBatchSize,
    input: inputs.map(tensor),
    output: outputs.map(tensor),
    ...(options.maxQueueDelayMs !== null && maxBatchSize > 1
      ? { dynamicBatching: { maxQueueDelayMicroseconds: Math.round((options.maxQueueDelayMs ?? 0) * 1000), preferredBatchSize: [] } }
      : {}),
  };
}

/** A written config must name the model's own inputs and outputs; command-line batching options win. */
function checkedConfig(
  config: ModelConfig,
  file: string,
  inputs: TensorSpec[],
  outputs: TensorSpec[],
  options: BatchingOptions,
): ModelConfig {
  for (const [kind, listed, actual] of [
    ['input', config.input, inputs],
    ['output', config.output, outputs],
  ] as const) {
    for (const t of listed) {
      if (!actual.some((a) => a.name === t.name))
        throw new Error(
          `${file}: ${kind} ${JSON.stringify(t.name)} is not in the model, whose ${kind}s are ${actual.map((a) => a.name).join(', ')}.`,
        );
    }
  }
  const maxBatchSize = options.maxBatchSize ?? config.maxBatchSize;
  const delay =
    options.maxQueueDelayMs === null
      ? undefined
      : options.maxQueueDelayMs !== undefined
        ? {
            maxQueueDelayMicroseconds: Math.round(options.maxQueueDelayMs * 1000),
            preferredBatchSize: config.dynamicBatching?.preferredBatchSize ?? [],
          }
        : config.dynamicBatching;
  const { dynamicBatching: _written, ...rest } = config;
  return { ...rest, maxBatchSize, ...(delay ? { dynamicBatching: delay } : {}) };
}
