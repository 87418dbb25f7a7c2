// A load test on loopback: `concurrency` clients send the same request back to back (HTTP
// keep-alive) until `requests` have been sent or `seconds` have passed, from a worker thread, so
// a server running in the same process (serve.start in a notebook) is not starved by its own load.
// Reports throughput and latency percentiles, and every non-2xx answer by status.
import { Worker } from 'node:worker_threads';
import { RICH_VIEW, type Rich } from '../sdk/display/rich';
import { table } from '../sdk/display/table';

export interface LoadOptions {
  /** Path and body of the request, e.g. '/predict' and { rows: [[…]] }. */
  path: string;
  body: unknown;
  /** Requests in flight at once (default 16, as wrk -c16). */
  concurrency?: number;
  /** Stop after this many requests (default 2000)… */
  requests?: number;
  /** …or after this many seconds, whichever comes first (default 10). */
  seconds?: number;
  headers?: Record<string, string>;
}

/** What a load test measured, as LoadReport takes it. */
export interface LoadFigures {
  url: string;
  concurrency: number;
  requests: number;
  seconds: number;
  /** Answers by HTTP status ("error" for a request that got none). */
  statuses: Record<string, number>;
  /** Latency of each answered request, in milliseconds, sorted. */
  latenciesMs: number[];
}

export class LoadReport {
  readonly url: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly seconds: number;
  /** Answers by HTTP status ("error" for a request that got none). */
  readonly statuses: Record<string, number>;
  /** Latency of each answered request, in milliseconds, sorted. */
  readonly latenciesMs: number[];

  constructor(figures: LoadFigures) {
    this.url = figures.url;
    this.concurrency = figures.concurrency;
    this.requests = figures.requests;
    this.seconds = figures.seconds;
    this.statuses = figures.statuses;
    this.latenciesMs = figures.latenciesMs;
  }

  get ok(): number {
    return Object.entries(this.statuses)
      .filter(([s]) => /^2\d\d$/.test(s))
      .reduce((n, [, c]) => n + c, 0);
  }

  get throughput(): number {
    return this.requests / this.seconds;
  }

  /** The latency below which this share of requests finished (0.5: the median, 0.99: p99). */
  percentile(p: number): number {
    const sorted = this.latenciesMs;
    return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number) : Number.NaN;
  }

  [RICH_VIEW](): Rich {
    const failed = Object.entries(this.statuses)
      .filter(([s]) => !/^2\d\d$/.test(s))
      .map(([s, c]) => `${c} × ${s}`)
      .join(', ');
    return table(
      [
        {
          requests: this.requests,
          ok: this.ok,
          'req/s': Math.round(this.throughput),
          'p50 ms': Number(this.percentile(0.5).toFixed(2)),
          'p90 ms': Number(this.percentile(0.9).toFixed(2)),
          'p99 ms': Number(this.percentile(0.99).toFixed(2)),
          'max ms': Number(this.percentile(1).toFixed(2)),
          failed: failed || 'none',
        },
      ],
      { title: `Load test: ${this.concurrency} clients on ${this.url} for ${this.seconds.toFixed(1)} s` },
    );
  }
}

// Runs in the worker: plain JavaScript, so it works the same from the bundles and from source.
// node:http with a keep-alive agent, one socket per client: fetch costs about three times as much
// per request, and the load generator must not be what limits the figure it reports.
const CLIENT = `
const { parentPort, workerData: w } = require('node:worker_threads');
const http = require(w.url.startsWith('https:') ? 'node:https' : 'node:http');
const url = new URL(w.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: w.concurrency });
const body = Buffer.from(JSON.stringify(w.body));
const headers = { 'content-type': 'application/json', 'content-length': body.length, ...w.headers };
const statuses = {};
const latencies = [];
let sent = 0;
const started = performance.now();
const deadline = started + w.seconds * 1000;
const send = () => new Promise((resolve) => {
  const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
    response.resume();
    response.on('end', () => resolve(response.statusCode));
    response.on('error', () => resolve('error'));
  });
  request.on('error', () => resolve('error'));
  request.end(body);
});
async function client() {
  while (sent < w.requests && performance.now() < deadline) {
    sent++;
    const t = performance.now();
    const status = await send();
    statuses[status] = (statuses[status] || 0) + 1;
    if (status !== 'error') latencies.push(performance.now() - t);
  }
}
Promise.all(Array.from({ length: w.concurrency }, client)).then(() => {
  agent.destroy();
  parentPort.postMessage({ statuses, latencies, sent, seconds: (performance.now() - started) / 1000 });
});
`;

export function loadTest(baseUrl: string, options: LoadOptions): Promise<LoadReport> {
  const url = `${baseUrl.replace(/\/+$/, '')}${options.path}`;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
  const workerData = {
    url,
    body: options.body,
    headers: options.headers ?? {},
    concurrency,
    requests: options.requests ?? 2000,
    seconds: options.seconds ?? 10,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData });
    worker.once('message', (m: { statuses: Record<string, number>; latencies: number[]; sent: number; seconds: number }) => {
      void worker.terminate();
      resolve(
        new LoadReport({
          url,
          concurrency,
          requests: m.sent,
          seconds: m.seconds,
          statuses: m.statuses,
          latenciesMs: Array.from(Float64Array.from(m.latencies).sort()),
        }),
      );
    });
    worker.once('error', reject);
  });
}
