// Runs on an MLflow tracking server, through its REST API: each call is one request, answered
// before it returns, so a crash loses nothing already logged, as with the file store. Artifacts
// are written to a local copy of the server's artifact tree (tfjs saves models to a real folder)
// and uploaded through the server's artifact proxy as soon as they are added.
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { TrackingStore } from './backend';
import { checkSegments, MlflowClient, paged, unless } from './rest';
import { checkMetric, RUN_STATUS, type ExperimentInfo, type RunInfo, type RunStatus, type StoredRun, type StoreProblem } from './store';

interface ExperimentJson {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
}

interface KeyValue {
  key: string;
  value?: string;
}

interface MetricJson {
  key: string;
  value: number | string;
  timestamp?: number | string;
  step?: number | string;
}

interface RunJson {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    status?: string;
    start_time?: number | string;
    end_time?: number | string;
    artifact_uri?: string;
  };
  data?: { params?: KeyValue[]; metrics?: MetricJson[]; tags?: KeyValue[] };
}

interface Batch {
  params?: KeyValue[];
  metrics?: MetricJson[];
  tags?: KeyValue[];
}

export class RestStore implements TrackingStore {
  /** A server never hands back records it cannot read, so there is nothing to skip. */
  readonly problems: readonly StoreProblem[] = [];
  readonly client: MlflowClient;
  /** This machine's copy of the artifacts, laid out as under the server's artifact proxy. */
  readonly mirror: string;

  constructor(
    readonly root: string,
    timeoutMs?: number,
  ) {
    this.client = new MlflowClient(root, timeoutMs);
    this.mirror = join(tmpdir(), 'aielab-mlflow', new URL(root).host.replace(/[^\w.-]/g, '_'));
  }

  experiment(name: string): ExperimentInfo {
    const found = this.byName(name);
    if (found) return found;
    // Another kernel may create it between our two requests; theirs is ours too.
    unless('RESOURCE_ALREADY_EXISTS', () => this.client.post('experiments/create', { name }));
    const created = this.byName(name);
    if (!created) throw new Error(`track: the MLflow server at ${this.root} created experiment "${name}" but does not find it by name.`);
    return created;
  }

  experiments(): ExperimentInfo[] {
    return paged(
      (page_token) =>
        this.client.post<{ experiments?: ExperimentJson[]; next_page_token?: string }>('experiments/search', {
          max_results: 1000,
          ...(page_token ? { page_token } : {}),
        }),
      (a) => a.experiments,
    ).map(toExperiment);
  }

  createRun(
    experiment: ExperimentInfo,
    runName: string,
    userId: string,
    _sourceType: number,
    tags: Readonly<Record<string, string>> = {},
  ): RunInfo {
    const { run } = this.client.post<{ run: RunJson }>('runs/create', {
      experiment_id: experiment.id,
      user_id: userId,
      run_name: runName,
      start_time: Date.now(),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    return toRunInfo(run);
  }

  writeRunMeta(info: RunInfo): void {
    this.client.post('runs/update', {
      run_id: info.runId,
      status: info.status,
      ...(info.endTime === null ? {} : { end_time: info.endTime }),
    });
  }

  logParam(info: RunInfo, key: string, value: string): void {
    this.logBatch(info, { params: [{ key, value }] });
  }

  logMetric(info: RunInfo, key: string, value: number, step: number, timestamp: number): void {
    checkMetric(key, value);
    if (!Number.isInteger(step)) throw new TypeError(`track: metric "${key}" needs a whole-number step; got ${step}.`);
    // JSON has no infinities or NaN; protobuf's JSON, which MLflow reads, spells them as strings.
    this.logBatch(info, { metrics: [{ key, value: Number.isFinite(value) ? value : String(value), timestamp, step }] });
  }

  setTag(info: RunInfo, key: string, value: string): void {
    this.logBatch(info, { tags: [{ key, value }] });
  }

  runs(experiment: ExperimentInfo): StoredRun[] {
    const runs = paged(
      (page_token) =>
        this.client.post<{ runs?: RunJson[]; next_page_token?: string }>('runs/search', {
          experiment_ids: [experiment.id],
          max_results: 1000,
          ...(page_token ? { page_token } : {}),
        }),
      (a) => a.runs,
    );
    return runs
      .map((run) => ({
        ...toRunInfo(run),
        params: pairs(run.data?.params),
        metrics: Object.fromEntries((run.data?.metrics ?? []).map((m) => [m.key, Number(m.value)])),
        tags: pairs(run.data?.tags),
      }))
      .sort((a, b) => b.startTime - a.startTime);
  }

  history(info: Pick<RunInfo, 'experimentId' | 'runId'>): Record<string, Array<[number, number]>> {
    const { run } = this.client.get<{ run: RunJson }>('runs/get', { run_id: info.runId });
    return Object.fromEntries(
      (run.data?.metrics ?? []).map(({ key }) => {
        const values = paged(
          (page_token) =>
            this.client.get<{ metrics?: MetricJson[]; next_page_token?: string }>('metrics/get-history', {
              run_id: info.runId,
              metric_key: key,
              page_token,
            }),
          (a) => a.metrics,
        );
        // The server keeps no logging order; time, then step, is the order they were logged in.
        values.sort((a, b) => Number(a.timestamp ?? 0) - Number(b.timestamp ?? 0) || Number(a.step ?? 0) - Number(b.step ?? 0));
        return [key, values.map((m) => [Number(m.step ?? 0), Number(m.value)] as [number, number])];
      }),
    );
  }

  artifactDir(info: RunInfo): string {
    return this.local(proxyPath(info.artifactUri, this.root));
  }

  artifactsAdded(info: RunInfo, path: string): void {
    this.client.upload(join(this.artifactDir(info), path), `${proxyPath(info.artifactUri, this.root)}/${path.split(sep).join('/')}`);
  }

  /** Where the files at a path under the artifact proxy are kept on this machine. */
  local(remote: string): string {
    return join(this.mirror, ...remote.split('/'));
  }

  private byName(name: string): ExperimentInfo | undefined {
    const found = unless('RESOURCE_DOES_NOT_EXIST', () =>
      this.client.get<{ experiment: ExperimentJson }>('experiments/get-by-name', { experiment_name: name }),
    );
    if (found?.experiment.lifecycle_stage === 'deleted')
      throw new Error(
        `track: experiment "${name}" is deleted on the MLflow server at ${this.root}. Restore it (mlflow experiments restore --experiment-id ${found.experiment.experiment_id}) or pick another name.`,
      );
    return found && toExperiment(found.experiment);
  }

  private logBatch(info: RunInfo, batch: Batch): void {
    this.client.post('runs/log-batch', { run_id: info.runId, ...batch });
  }
}

/** The path under the server's artifact proxy that an mlflow-artifacts: URI names. */
export function proxyPath(uri: string, server: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*?)\/*$/.exec(uri);
  if (!match)
    throw new Error(
      `track: the MLflow server at ${server} keeps these artifacts at ${uri}, not behind its artifact proxy, so they cannot be sent or fetched through it. Log to an experiment created on a server that serves artifacts (mlflow server --serve-artifacts, the default since MLflow 2), or unset MLFLOW_TRACKING_URI to log to a local mlruns/ folder.`,
    );
  checkSegments(match[1] as string, uri);
  return match[1] as string;
}

function toExperiment(e: ExperimentJson): ExperimentInfo {
  return { id: e.experiment_id, name: e.name, artifactLocation: e.artifact_location ?? '' };
}

function toRunInfo({ info }: RunJson): RunInfo {
  const status = info.status && info.status in RUN_STATUS ? (info.status as RunStatus) : 'RUNNING';
  return {
    runId: info.run_id,
    runName: info.run_name ?? '',
    experimentId: info.experiment_id,
    status,
    startTime: Number(info.start_time ?? 0),
    endTime: info.end_time === undefined ? null : Number(info.end_time),
    artifactUri: info.artifact_uri ?? '',
  };
}

function pairs(list: KeyValue[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((p) => [p.key, p.value ?? '']));
}
