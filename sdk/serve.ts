// `serve` in a notebook: start the inference server on loopback (serve.start), call it as any
// client would, over HTTP (serve.client: predict, infer, metadata, metrics), lay a model out as a
// Triton-style repository, and make API keys. The server is the one `aielab serve` runs.
import { createApiKey } from '../server/auth';
import { loadTest, type LoadOptions, type LoadReport } from '../server/load';
import { writeMonitoring } from '../server/monitoring';
import { writeToRepository } from '../server/repository';
import { startServer, type RunningServer, type ServeOptions } from '../server/server';
import { RICH_VIEW, type Rich } from './display/rich';
import { table } from './display/table';
import { DriftReport, type FeatureDrift, type PredictionDrift } from './monitor/drift';
import type { Nested } from './onnx/session';
import { selfStoppingWork } from './runtime';

export interface Prediction {
  label?: string;
  probabilities?: Record<string, number>;
}

export class ServeClient {
  constructor(
    readonly url: string,
    private readonly apiKey?: string,
  ) {}

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // Not JSON: the text itself says what went wrong.
      }
      throw new Error(`${method} ${path}: ${response.status} ${message}`);
    }
    return (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
  }

  /** Plain rows (numbers, named features or texts) to predictions; `model` when the server has several. */
  async predict(rows: unknown[], model?: string): Promise<Array<Prediction | number | number[]>> {
    const result = await this.request<{ predictions: Array<Prediction | number | number[]> }>(
      'POST',
      model ? `/v2/models/${encodeURIComponent(model)}/predict` : '/predict',
      { rows },
    );
    return result.predictions;
  }

  /** Open Inference Protocol: nested arrays in (one input, or several by name), outputs by name out. */
  async infer(
    model: string,
    inputs: Nested | Readonly<Record<string, Nested>>,
    options: { version?: string } = {},
  ): Promise<Record<string, Nested>> {
    const meta = await this.metadata(model);
    const named = typeof inputs === 'object' && !Array.isArray(inputs) ? inputs : { [meta.inputs[0]?.name ?? 'input']: inputs as Nested };
    const tensors = Object.entries(named).map(([name, value]) => {
      const shape: number[] = [];
      for (let v: Nested = value; Array.isArray(v); v = v[0] as Nested) shape.push(v.length);
      return { name, shape, datatype: meta.inputs.find((i) => i.name === name)?.datatype ?? 'FP32', data: flatten(value) };
    });
    const path = `/v2/models/${encodeURIComponent(model)}${options.version ? `/versions/${encodeURIComponent(options.version)}` : ''}/infer`;
    const result = await this.request<{ outputs: Array<{ name: string; shape: number[]; data: number[] }> }>('POST', path, {
      inputs: tensors,
    });
    return Object.fromEntries(result.outputs.map((o) => [o.name, nest(o.data, o.shape)]));
  }

  metadata(model: string): Promise<{
    name: string;
    versions: string[];
    inputs: Array<{ name: string; datatype: string; shape: number[] }>;
    outputs: Array<{ name: string; datatype: string; shape: number[] }>;
  }> {
    return this.request('GET', `/v2/models/${encodeURIComponent(model)}`);
  }

  async ready(): Promise<boolean> {
    try {
      return (await this.request<{ ready: boolean }>('GET', '/v2/health/ready')).ready;
    } catch {
      return false;
    }
  }

  /** The server's drift over the model's recent rows (GET …/drift): monitor.drift's report, so the same table and .chart(). */
  async drift(model: string, options: { version?: string } = {}): Promise<DriftReport> {
    const path = `/v2/models/${encodeURIComponent(model)}${options.version ? `/versions/${encodeURIComponent(options.version)}` : ''}/drift`;
    const answer = await this.request<{ rows: number; features?: FeatureDrift[]; predictions?: PredictionDrift | null; waiting?: string }>(
      'GET',
      path,
    );
    if (!answer.features) throw new Error(`GET ${path}: ${answer.waiting ?? 'no drift report'}`);
    return new DriftReport(answer.rows, answer.features, answer.predictions ?? undefined);
  }

  /** Many clients sending this request at once, from a worker thread: throughput and latency percentiles. */
  loadTest(options: LoadOptions): Promise<LoadReport> {
    return loadTest(this.url, {
      ...options,
      headers: { ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}), ...options.headers },
    });
  }

  /** /metrics as Prometheus serves it (text). */
  metrics(): Promise<string> {
    return this.request('GET', '/metrics');
  }

  /** The sum of one metric's samples whose labels include these (a counter's total, a histogram's _count…). */
  async metric(name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
    let total = 0;
    for (const line of (await this.metrics()).split('\n')) {
      const match = /^([\w:]+)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
    }
    return total;
  }
}

function flatten(value: Nested): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function nest(values: number[], dims: number[]): Nested {
  if (dims.length <= 1) return dims.length ? values : (values[0] as number);
  const [first, ...rest] = dims;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first as number }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}

/** A server started from a notebook: a client of its own, and `close()` when done. */
export class Served extends ServeClient {
  constructor(
    private readonly server: RunningServer,
    apiKey?: string,
  ) {
    super(server.url, apiKey);
  }

  /** A client of this server presenting another key (or none). */
  client(apiKey?: string): ServeClient {
    return new ServeClient(this.url, apiKey);
  }

  /** The server's own registry, read in this process: no key needed, though /metrics asks one over HTTP when keys are on. */
  override metrics(): Promise<string> {
    return this.server.metrics.registry.metrics();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  [RICH_VIEW](): Rich {
    return table(
      [...this.server.repository.values()].flatMap((versions) =>
        [...versions.values()].map((m) => ({
          model: m.name,
          version: m.version,
          inputs: m.inputs.map((i) => `${i.name} ${i.datatype} [${i.shape.join(', ')}]`).join(', '),
          outputs: m.outputs.map((o) => `${o.name} ${o.datatype} [${o.shape.join(', ')}]`).join(', '),
          batching: m.config.dynamicBatching
            ? `up to ${m.config.maxBatchSize} rows, ${m.config.dynamicBatching.maxQueueDelayMicroseconds ? `waits ≤ ${m.config.dynamicBatching.maxQueueDelayMicroseconds / 1000} ms` : 'no waiting'}`
            : 'off',
        })),
      ),
      { title: `Serving at ${this.url}: POST /v2/models/<name>/infer, /predict; /metrics; /openapi.json` },
    );
  }
}

export const serve = {
  /** Starts the inference server (loopback, a free port unless given) on a file, models:/ name or repository. */
  start: async (target: string, options: ServeOptions & { apiKey?: string } = {}): Promise<Served> => {
    const { apiKey, ...rest } = options;
    // A server outlives the cell that starts it and stops with close(), not with an interrupt of
    // that cell, which would otherwise clear its timers (a batch waiting for company) mid-request.
    return new Served(await selfStoppingWork(() => startServer(target, { port: 0, ...rest })), apiKey);
  },
  /** A client of a server already running (aielab serve, or another notebook's). */
  client: (url: string, options: { apiKey?: string } = {}) => new ServeClient(url.replace(/\/+$/, ''), options.apiKey),
  /** Lays an .onnx file out as <repo>/<name>/<version>/model.onnx with a config.pbtxt; returns the model's folder. */
  saveRepository: writeToRepository,
  /** Adds a key to a keys file (for the apiKeys option) and returns the key, stored only as its SHA-256. */
  createApiKey,
  /** Writes prometheus.yml (scraping these host:port targets), alerts.yml and grafana-dashboard.json into a folder. */
  monitoring: writeMonitoring,
};
