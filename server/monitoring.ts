// Monitoring for a served model, as files an operator drops in place: a Prometheus configuration
// that scrapes the server, alert rules on its metrics (checked by promtool in the tests), and a
// Grafana dashboard over the same metrics (datasource chosen on import).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface MonitoringOptions {
  /** host:port of the server(s) to scrape. */
  targets: string[];
  /** Scrape interval, e.g. "15s" (default). */
  interval?: string;
  /** Alert when more than this share of requests fail over 5 minutes (default 0.05). */
  errorRatio?: number;
  /** Alert when the p99 latency exceeds this many seconds over 5 minutes (default 0.25). */
  p99Seconds?: number;
  /**
   * A file holding an API key for a server started with keys (its /metrics asks for one unless it
   * runs with --open-metrics): Prometheus sends it as a bearer token. The key itself is never
   * written into prometheus.yml, which is often committed or shared.
   */
  credentialsFile?: string;
}

const JOB = 'aielab';

export function prometheusConfig(options: MonitoringOptions): string {
  const interval = options.interval ?? '15s';
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'rule_files:',
    '  - alerts.yml',
    'scrape_configs:',
    `  - job_name: ${JOB}`,
    '    metrics_path: /metrics',
    ...(options.credentialsFile
      ? ['    authorization:', '      type: Bearer', `      credentials_file: ${JSON.stringify(resolve(options.credentialsFile))}`]
      : []),
    '    static_configs:',
    `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
}

interface Rule {
  alert: string;
  expr: string;
  for: string;
  severity: 'page' | 'ticket';
  summary: string;
}

export function alertRules(options: Pick<MonitoringOptions, 'errorRatio' | 'p99Seconds'> = {}): string {
  const rules: Rule[] = [
    {
      alert: 'AielabServerDown',
      expr: `up{job="${JOB}"} == 0`,
      for: '1m',
      severity: 'page',
      summary: 'The inference server {{ $labels.instance }} does not answer scrapes.',
    },
    {
      alert: 'AielabHighErrorRatio',
      expr: `sum by (model) (rate(aielab_inference_errors_total[5m])) / clamp_min(sum by (model) (rate(aielab_inference_requests_total[5m])), 1e-9) > ${options.errorRatio ?? 0.05}`,
      for: '5m',
      severity: 'page',
      summary: 'More than {{ $value | humanizePercentage }} of requests to {{ $labels.model }} fail.',
    },
    {
      alert: 'AielabHighLatencyP99',
      expr: `histogram_quantile(0.99, sum by (le, model) (rate(aielab_inference_request_duration_seconds_bucket[5m]))) > ${options.p99Seconds ?? 0.25}`,
      for: '5m',
      severity: 'ticket',
      summary: 'p99 latency of {{ $labels.model }} is {{ $value | humanizeDuration }}.',
    },
    // The server decides drift (PSI and the corrected p-value); the rule keeps the PSI as its value.
    {
      alert: 'AielabFeatureDrift',
      expr: 'max by (model, feature) (aielab_drift_psi * on (model, version, feature) aielab_drift_detected) > 0',
      for: '10m',
      severity: 'ticket',
      summary: 'Inputs of {{ $labels.model }} have shifted: PSI of {{ $labels.feature }} is {{ $value }}.',
    },
    {
      alert: 'AielabPredictionDrift',
      expr: 'max by (model) (aielab_drift_prediction_psi * on (model, version) aielab_drift_prediction_detected) > 0',
      for: '10m',
      severity: 'ticket',
      summary: 'The predicted classes of {{ $labels.model }} have shifted (PSI {{ $value }}).',
    },
    {
      alert: 'AielabBatchQueueBacklog',
      expr: 'sum by (model) (aielab_inference_queued_rows) > 512',
      for: '2m',
      severity: 'ticket',
      summary: '{{ $value }} rows are waiting for {{ $labels.model }}: the server cannot keep up.',
    },
  ];
  const lines = ['groups:', '  - name: aielab-inference', '    rules:'];
  for (const r of rules) {
    lines.push(
      `      - alert: ${r.alert}`,
      `        expr: ${JSON.stringify(r.expr)}`,
      `        for: ${r.for}`,
      '        labels:',
      `          severity: ${r.severity}`,
      '        annotations:',
      `          summary: ${JSON.stringify(r.summary)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The dashboard's panels, laid out two to a row in this order: title, unit, [PromQL, legend]s. */
const PANELS: ReadonlyArray<[title: string, unit: string, targets: Array<[expr: string, legend: string]>]> = [
  ['Requests per second', 'reqps', [['sum by (model, code) (rate(aielab_inference_requests_total[1m]))', '{{model}} {{code}}']]],
  [
    'Error ratio',
    'percentunit',
    [
      [
        'sum by (model) (rate(aielab_inference_errors_total[5m])) / clamp_min(sum by (model) (rate(aielab_inference_requests_total[5m])), 1e-9)',
        '{{model}}',
      ],
    ],
  ],
  [
    'Latency',
    's',
    [
      ['histogram_quantile(0.5, sum by (le, model) (rate(aielab_inference_request_duration_seconds_bucket[5m])))', 'p50 {{model}}'],
      ['histogram_quantile(0.99, sum by (le, model) (rate(aielab_inference_request_duration_seconds_bucket[5m])))', 'p99 {{model}}'],
    ],
  ],
  [
    'Rows per model call (dynamic batching)',
    'short',
    [
      [
        'sum by (model) (rate(aielab_inference_batch_size_sum[5m])) / clamp_min(sum by (model) (rate(aielab_inference_batch_size_count[5m])), 1e-9)',
        '{{model}}',
      ],
    ],
  ],
  [
    'Queue wait p99',
    's',
    [['histogram_quantile(0.99, sum by (le, model) (rate(aielab_inference_queue_duration_seconds_bucket[5m])))', '{{model}}']],
  ],
  [
    'In flight and memory',
    'short',
    [
      ['aielab_inference_in_flight_requests', 'in flight'],
      ['aielab_serve_process_resident_memory_bytes / 1048576', 'RSS MiB'],
    ],
  ],
  ['Feature drift (PSI, recent rows against the reference)', 'short', [['aielab_drift_psi', '{{model}} {{feature}}']]],
  [
    'Prediction drift (PSI) and drifted features',
    'short',
    [
      ['aielab_drift_prediction_psi', 'predictions {{model}}'],
      ['aielab_drift_features_drifted', 'drifted features {{model}}'],
    ],
  ],
];

/** A Grafana dashboard (schema 39) over the server's metrics; import it and pick the Prometheus datasource. */
export function grafanaDashboard(): unknown {
  const ds = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
  return {
    __inputs: [{ name: 'DS_PROMETHEUS', label: 'Prometheus', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' }],
    title: 'AI Engineering Lab: inference',
    uid: 'aielab-inference',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-1h', to: 'now' },
    refresh: '10s',
    tags: ['aielab', 'inference'],
    templating: { list: [] },
    panels: PANELS.map(([title, unit, targets], i) => ({
      id: i + 1,
      type: 'timeseries',
      title,
      datasource: ds,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit }, overrides: [] },
      targets: targets.map(([expr, legend], t) => ({ refId: String.fromCharCode(65 + t), datasource: ds, expr, legendFormat: legend })),
    })),
  };
}

/** Writes prometheus.yml, alerts.yml and grafana-dashboard.json into `dir`; returns their paths. */
export function writeMonitoring(dir: string, options: MonitoringOptions): string[] {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const files: Array<[string, string]> = [
    ['prometheus.yml', prometheusConfig(options)],
    ['alerts.yml', alertRules(options)],
    ['grafana-dashboard.json', `${JSON.stringify(grafanaDashboard(), null, 2)}\n`],
  ];
  for (const [name, content] of files) writeFileSync(join(root, name), content);
  return files.map(([name]) => join(root, name));
}
