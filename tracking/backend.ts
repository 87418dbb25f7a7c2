// What `track` needs from the place runs are kept, so one synchronous API logs either to MLflow's
// file store (FileStore, Registry) or to an MLflow tracking server (RestStore, RestRegistry).
import type { ModelVersion } from './registry';
import type { ExperimentInfo, RunInfo, StoredRun, StoreProblem } from './store';

export interface TrackingStore {
  /** Where the runs are: an mlruns/ folder, or a server's address. */
  readonly root: string;
  /** Records that could not be read: listed and skipped. */
  readonly problems: readonly StoreProblem[];
  /** The experiment with this name, created if it does not exist. */
  experiment(name: string): ExperimentInfo;
  experiments(): ExperimentInfo[];
  createRun(
    experiment: ExperimentInfo,
    runName: string,
    userId: string,
    sourceType: number,
    tags?: Readonly<Record<string, string>>,
  ): RunInfo;
  /** Records the run's status and end time. */
  writeRunMeta(info: RunInfo, userId: string, sourceType: number): void;
  logParam(info: RunInfo, key: string, value: string): void;
  logMetric(info: RunInfo, key: string, value: number, step: number, timestamp: number): void;
  setTag(info: RunInfo, key: string, value: string): void;
  /** The experiment's runs, newest first, with their params, latest metrics and tags. */
  runs(experiment: ExperimentInfo): StoredRun[];
  /** Every logged value of each metric of a run, as [step, value] pairs. */
  history(info: Pick<RunInfo, 'experimentId' | 'runId'>): Record<string, Array<[number, number]>>;
  /** The local folder a run's artifacts are written into (tfjs saves a model to a real folder). */
  artifactDir(info: RunInfo): string;
  /** Files were written at `path` (relative to artifactDir) and belong to the run from now on. */
  artifactsAdded(info: RunInfo, path: string): void;
}

export interface ModelRegistry {
  /** A new version of `name` (the model is created on its first version) from a run's artifact. */
  register(name: string, run: RunInfo, artifactPath: string, userId: string, description?: string): ModelVersion;
  /** Points an alias at a version; it moves if it pointed elsewhere. */
  setAlias(name: string, alias: string, version: number): void;
  versions(name: string): ModelVersion[];
  /** `models:/name@alias`, `models:/name/3` or `models:/name` (the latest version). */
  resolve(uri: string): ModelVersion;
  /** A local folder holding the version's files. */
  localPath(version: ModelVersion): string;
}
