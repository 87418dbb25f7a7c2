// Prometheus metrics for /metrics, one registry per server: requests, latency, queue time, batch
// sizes, rows, errors and in-flight requests, labelled by model and version, plus the process's own
// (CPU, memory, event-loop lag). Names follow Prometheus' conventions (seconds, _total).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DriftReport, FeatureDrift } from '../sdk/monitor/drift';

export interface DriftSource {
  model: string;
  version: string;
  windowRows: number;
  report: DriftReport | undefined;
}

type Sample = [labels: Record<string, string>, value: number];

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type GaugeSpec = [name: string, help: string, labelNames: string[], samples: () => Sample[]];

const perModel = (reports: () => DriftSource[], value: (r: DriftSource) => number | undefined) => () =>
  reports().flatMap((r): Sample[] => {
    const v = value(r);
    return v === undefined ? [] : [[{ model: r.model, version: r.version }, v]];
  });

const perFeature =
  (reports: () => DriftSource[], value: (f: FeatureDrift) => number, labels: (f: FeatureDrift) => Record<string, string> = () => ({})) =>
  () =>
    reports().flatMap((r) =>
      (r.report?.features ?? []).map((f): Sample => [{ model: r.model, version: r.version, feature: f.feature, ...labels(f) }, value(f)]),
    );

/** The drift gauges: name, help, labels and their samples, read from `drift` once per scrape. */
function driftGauges(drift: () => DriftSource[]): GaugeSpec[] {
  // Drift is computed when scraped, once per scrape for all its gauges (the first one refreshes).
  let latest: DriftSource[] = [];
  const reports = () => latest;
  const windowRows = perModel(reports, (r) => r.windowRows);
  return [
    [
      'aielab_drift_window_rows',
      'Recent rows kept for drift detection (compared with the reference saved at export).',
      ['model', 'version'],
      () => ((latest = drift()), windowRows()),
    ],
    [
      'aielab_drift_psi',
      'Population stability index of each feature over the recent rows against the reference (> 0.25: shifted).',
      ['model', 'version', 'feature'],
      perFeature(reports, (f) => f.psi),
    ],
    [
      'aielab_drift_p_value',
      "p-value of each feature's drift test (KS for numeric, chi-square for categorical) over the recent rows.",
      ['model', 'version', 'feature', 'test'],
      perFeature(
        reports,
        (f) => f.pValue,
        (f) => ({ test: f.test }),
      ),
    ],
    [
      'aielab_drift_detected',
      '1 when a feature drifted (PSI > 0.25 and its p-value times the number of features < 0.01), else 0.',
      ['model', 'version', 'feature'],
      perFeature(reports, (f) => (f.drifted ? 1 : 0)),
    ],
    [
      'aielab_drift_features_drifted',
      'Features whose recent rows drifted from the reference (PSI > 0.25 and p-value times the number of features < 0.01).',
      ['model', 'version'],
      perModel(reports, (r) => r.report?.drifted.length),
    ],
    [
      'aielab_drift_prediction_psi',
      'PSI of the predicted classes over the recent rows against the reference predictions.',
      ['model', 'version'],
      perModel(reports, (r) => r.report?.predictions?.psi),
    ],
    [
      'aielab_drift_prediction_detected',
      '1 when the predicted classes drifted (PSI > 0.25 and p < 0.01), else 0.',
      ['model', 'version'],
      perModel(reports, (r) => (r.report?.predictions ? Number(r.report.predictions.drifted) : undefined)),
    ],
  ];
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'aielab_inference_requests_total',
    help: 'Inference requests answered, by model, version, endpoint and HTTP status code.',
    labelNames: ['model', 'version', 'endpoint', 'code'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'aielab_inference_request_duration_seconds',
    help: 'Time from receiving an inference request to answering it.',
    labelNames: ['model', 'version'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly queue = new Histogram({
    name: 'aielab_inference_queue_duration_seconds',
    help: 'Time a request waited for its batch to start (dynamic batching).',
    labelNames: ['model', 'version'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'aielab_inference_batch_size',
    help: 'Rows per model call (requests batched together).',
    labelNames: ['model', 'version'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly rows = new Counter({
    name: 'aielab_inference_rows_total',
    help: 'Rows (examples) predicted.',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'aielab_inference_errors_total',
    help: 'Requests refused or failed, by reason (bad_request, too_large, unauthorized, rate_limited, not_found, internal).',
    labelNames: ['model', 'version', 'reason'],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'aielab_inference_in_flight_requests',
    help: 'Inference requests being handled now.',
    registers: [this.registry],
  });
  readonly queued: Gauge;
  private readonly children = new Map<string, ReturnType<ServerMetrics['makeChildren']>>();

  /** This model version's series, made once: prom-client hashes label objects on every call otherwise. */
  of(model: string, version: string): ReturnType<ServerMetrics['makeChildren']> {
    const key = `${model}\u0000${version}`;
    let found = this.children.get(key);
    if (!found) this.children.set(key, (found = this.makeChildren(model, version)));
    return found;
  }

  private makeChildren(model: string, version: string) {
    const labels = { model, version };
    const ok = new Map<string, ReturnType<Counter['labels']>>();
    return {
      latency: this.latency.labels(labels),
      queue: this.queue.labels(labels),
      batchSize: this.batchSize.labels(labels),
      rows: this.rows.labels(labels),
      ok: (endpoint: string) => {
        let counter = ok.get(endpoint);
        if (!counter) ok.set(endpoint, (counter = this.requests.labels({ ...labels, endpoint, code: '200' })));
        return counter;
      },
    };
  }

  constructor(queuedRows: () => Array<{ model: string; version: string; rows: number }>, drift: () => DriftSource[]) {
    for (const [name, help, labelNames, samples] of driftGauges(drift)) {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [labels, value] of samples()) this.set(labels, value);
        },
      });
    }
    this.queued = new Gauge({
      name: 'aielab_inference_queued_rows',
      help: 'Rows waiting in dynamic-batching queues.',
      labelNames: ['model', 'version'],
      registers: [this.registry],
      collect() {
        for (const q of queuedRows()) this.set({ model: q.model, version: q.version }, q.rows);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'aielab_serve_' });
  }
}
