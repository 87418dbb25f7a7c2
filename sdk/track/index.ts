// `track`: experiment tracking in MLflow's own format. Runs are written under mlruns/ beside the
// notebook (or in the folder MLFLOW_TRACKING_URI names), so `mlflow ui` shows them. When
// MLFLOW_TRACKING_URI is an http(s) address, the same calls go to that MLflow tracking server over
// its REST API instead, each answered before it returns (the API stays synchronous), and artifacts
// and registered models travel through the server's artifact proxy. Each run records its params,
// metrics, tags, artifacts, the notebook, the user and the git commit it ran at.
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { table } from '../display/table';
import type { Rich } from '../display/rich';
import { load } from '../nn/checkpoint';
import type { LayersModel } from '../nn/tf';
import { openTracking, trackingRoot, type Tracking } from '../../tracking/open';
import type { ModelVersion } from '../../tracking/registry';
import { currentNotebook } from '../runtime';
import { Run } from './run';
import { sweep, type Space, type SweepOptions } from './sweep';
import { SOURCE_TYPE, type ExperimentInfo, type RunInfo } from '../../tracking/store';

let backend: Tracking | undefined;
let experimentName = 'Default';
const active: Run[] = [];

/** Where runs go now: the server or folder MLFLOW_TRACKING_URI names, else mlruns/ here. */
function current(): Tracking {
  const root = trackingRoot(process.env.MLFLOW_TRACKING_URI);
  if (backend?.store.root !== root) backend = openTracking(process.env.MLFLOW_TRACKING_URI);
  return backend;
}

export interface StartRunOptions {
  name?: string;
  /** A child of the run that is active now (a sweep's trials). */
  nested?: boolean;
  tags?: Readonly<Record<string, string>>;
}

function startRun(options: StartRunOptions = {}): Run {
  const { store } = current();
  const parent = active[active.length - 1];
  if (parent && !options.nested)
    throw new Error(`track: run "${parent.name}" is still active. End it (run.end()) first, or pass { nested: true } for a child run.`);
  const experiment = store.experiment(experimentName);
  const user = safeUser();
  const notebook = currentNotebook();
  const name = options.name ?? `run-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
  const source = notebook ? SOURCE_TYPE.NOTEBOOK : SOURCE_TYPE.LOCAL;
  const git = gitState(notebook ? dirname(notebook) : process.cwd());
  // Given when the run is created, so a server records the run and its lineage in one request.
  const tags: Record<string, string> = {
    'mlflow.runName': name,
    'mlflow.user': user,
    'mlflow.source.type': notebook ? 'NOTEBOOK' : 'LOCAL',
    'mlflow.source.name': notebook ?? resolve(process.argv[1] ?? '.'),
    ...(git ? { 'mlflow.source.git.commit': git.commit, 'aielab.git.dirty': String(git.dirty) } : {}),
    ...(parent ? { 'mlflow.parentRunId': parent.id } : {}),
    ...options.tags,
  };
  const run = new Run(store, store.createRun(experiment, name, user, source, tags), user, source, (ended) => {
    const at = active.indexOf(ended);
    if (at >= 0) active.splice(at, 1);
  });
  active.push(run);
  return run;
}

export const track = {
  /** Runs from now on go to this experiment (created if needed), as mlflow.set_experiment. */
  experiment(name: string): ExperimentInfo {
    experimentName = name;
    return current().store.experiment(name);
  },

  /** Starts a run; end it with `run.end()`. `track.run(name, fn)` ends it for you. */
  startRun,

  /** Runs `fn` inside a run that ends FINISHED, or FAILED if `fn` throws (the error goes on). */
  async run<T>(name: string, fn: (run: Run) => T | Promise<T>, options: Omit<StartRunOptions, 'name'> = {}): Promise<T> {
    const run = track.startRun({ ...options, name });
    try {
      const result = await fn(run);
      run.end('FINISHED');
      return result;
    } catch (error) {
      run.end('FAILED');
      throw error;
    }
  },

  /**
   * Tries hyperparameters, each configuration a child run of one sweep run, and returns the best:
   * `await track.sweep({ lr: [0.001, 0.01], units: [8, 16] }, async (p) => ({ accuracy }), { metric: 'accuracy' })`.
   */
  sweep: (space: Space, train: Parameters<typeof sweep>[2], options: SweepOptions) =>
    sweep((name, nested) => startRun({ name, nested: nested || active.length > 0 }), space, train, options),

  /**
   * A new version of a named model from a run's model artifact (run.logModel), optionally given
   * an alias such as "champion": `track.registerModel('spam', { run, alias: 'champion' })`. `run`
   * is a Run or a run's id (a sweep's `best.runId`).
   */
  registerModel(name: string, options: { run: Run | string; artifactPath?: string; description?: string; alias?: string }): ModelVersion {
    const { registry } = current();
    const info = typeof options.run === 'string' ? storedRun(options.run) : options.run.info;
    const version = registry.register(name, info, options.artifactPath ?? 'model', safeUser(), options.description);
    if (options.alias) {
      registry.setAlias(name, options.alias, version.version);
      version.aliases.push(options.alias);
    }
    return version;
  },

  /** Points an alias ("champion", "staging") at a version; it moves if it pointed elsewhere. */
  setAlias(name: string, alias: string, version: number): void {
    current().registry.setAlias(name, alias, version);
  },

  /**
   * The folder of a registered model: models:/name@alias, models:/name/3 or models:/name (latest);
   * from a server, a local copy downloaded first.
   */
  modelPath(uri: string): string {
    const { registry } = current();
    return registry.localPath(registry.resolve(uri));
  },

  /** Loads a registered nn model: `await track.loadModel('models:/spam@champion')`. */
  async loadModel(uri: string): Promise<LayersModel> {
    const path = track.modelPath(uri);
    if (!existsSync(join(path, 'model.json')))
      throw new Error(
        `track.loadModel: ${uri} (${path}) is not an nn model (no model.json); use track.modelPath("${uri}") to reach its files.`,
      );
    return load(path);
  },

  /** A registered model's versions with their runs and aliases, as a table. */
  models(name: string): Rich {
    const versions = current().registry.versions(name);
    return table(
      versions.length
        ? versions.map((v) => ({
            version: v.version,
            aliases: v.aliases.join(', '),
            run: v.runId.slice(0, 8),
            description: v.description,
            source: v.source,
          }))
        : [{ version: 'none registered' }],
      { title: `Model ${name}` },
    );
  },

  /** The run logging now (the innermost, if nested), if any. */
  activeRun(): Run | undefined {
    return active[active.length - 1];
  },

  /** The experiment's runs, newest first, as a table of params and latest metrics. */
  runs(name = experimentName): Rich {
    const s = current().store;
    const experiment = s.experiments().find((e) => e.name === name);
    const runs = experiment ? s.runs(experiment) : [];
    const rows = runs.map((r) => ({
      run: r.runName,
      status: r.status.toLowerCase(),
      ...Object.fromEntries(Object.entries(r.params).map(([k, v]) => [`param ${k}`, v])),
      ...r.metrics,
    }));
    const skipped = s.problems.length
      ? ` (${s.problems.length} unreadable meta.yaml skipped: ${s.problems.map((p) => p.path).join(', ')})`
      : '';
    return table(rows.length ? rows : [{ run: 'no runs yet' }], {
      title: `${name}: ${runs.length} run${runs.length === 1 ? '' : 's'} in ${s.root}${skipped}`,
    });
  },
};

/** A run of any experiment in the store, by its id. */
function storedRun(id: string): RunInfo {
  const { store } = current();
  for (const experiment of store.experiments()) {
    const run = store.runs(experiment).find((r) => r.runId === id);
    if (run) return run;
  }
  throw new Error(
    `track.registerModel: no run ${id} in ${store.root}. Pass the Run, or the id of a run logged there (track.runs() lists them).`,
  );
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function gitState(cwd: string): { commit: string; dirty: boolean } | undefined {
  // Outside a repository there is nothing to record: do not start git to learn that.
  if (!insideRepository(cwd)) return undefined;
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

function insideRepository(dir: string): boolean {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return true;
    if (dirname(at) === at) return false;
  }
}

export { Run } from './run';
export type { ModelVersion } from '../../tracking/registry';
export { SweepResult, type Choice, type Params, type Range, type Space, type SweepOptions, type Trial } from './sweep';
export { FileStore, type ExperimentInfo, type RunInfo, type RunStatus } from '../../tracking/store';
