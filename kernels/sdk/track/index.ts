// `track`: experiment tracking in MLflow's own format. Runs are written under mlruns/ beside the
// notebook (or where MLFLOW_TRACKING_URI points), so `mlflow ui` shows them; each run records its
// params, metrics, tags, artifacts, the notebook, the user and the git commit it ran at.
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../display/table';
import type { Rich } from '../display/rich';
import { load } from '../nn/checkpoint';
import type { LayersModel } from '../nn/tf';
import { Registry, type ModelVersion } from '../../tracking/registry';
import { Run } from './run';
import { sweep, type Space, type SweepOptions } from './sweep';
import { FileStore, SOURCE_TYPE, type ExperimentInfo } from '../../tracking/store';

let store: FileStore | undefined;
let experimentName = 'Default';
const active: Run[] = [];

function currentStore(): FileStore {
  const uri = process.env.MLFLOW_TRACKING_URI;
  if (uri && /^https?:/.test(uri)) throw new Error(`track: MLFLOW_TRACKING_URI=${uri} is an MLflow server; this version writes to a local mlruns/ folder only. Unset it, or set it to a folder.`);
  const root = uri ? (uri.startsWith('file:') ? fileURLToPath(uri) : uri) : 'mlruns';
  if (!store || store.root !== resolve(root)) store = new FileStore(root);
  return store;
}

export interface StartRunOptions {
  name?: string;
  /** A child of the run that is active now (a sweep's trials). */
  nested?: boolean;
  tags?: Readonly<Record<string, string>>;
}

function startRun(options: StartRunOptions = {}): Run {
  const s = currentStore();
  const parent = active[active.length - 1];
  if (parent && !options.nested) throw new Error(`track: run "${parent.name}" is still active. End it (run.end()) first, or pass { nested: true } for a child run.`);
  const experiment = s.experiment(experimentName);
  const user = safeUser();
  const notebook = process.argv[2] && process.argv[2].endsWith('.aielab') ? resolve(process.argv[2]) : undefined;
  const name = options.name ?? `run-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
  const source = notebook ? SOURCE_TYPE.NOTEBOOK : SOURCE_TYPE.LOCAL;
  const run = new Run(s, s.createRun(experiment, name, user, source), user, source, (ended) => {
    const at = active.indexOf(ended);
    if (at >= 0) active.splice(at, 1);
  });
  run.setTag('mlflow.runName', name).setTag('mlflow.user', user).setTag('mlflow.source.type', notebook ? 'NOTEBOOK' : 'LOCAL');
  run.setTag('mlflow.source.name', notebook ?? resolve(process.argv[1] ?? '.'));
  const git = gitState(notebook ? dirname(notebook) : process.cwd());
  if (git) run.setTag('mlflow.source.git.commit', git.commit).setTag('aielab.git.dirty', String(git.dirty));
  if (parent) run.setTag('mlflow.parentRunId', parent.id);
  for (const [key, value] of Object.entries(options.tags ?? {})) run.setTag(key, value);
  active.push(run);
  return run;
}

export const track = {
  /** Runs from now on go to this experiment (created if needed), as mlflow.set_experiment. */
  experiment(name: string): ExperimentInfo {
    experimentName = name;
    return currentStore().experiment(name);
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
  sweep: (space: Space, train: Parameters<typeof sweep>[2], options: SweepOptions) => sweep((name, nested) => startRun({ name, nested: nested || active.length > 0 }), space, train, options),

  /**
   * A new version of a named model from a run's model artifact (run.logModel), optionally given
   * an alias such as "champion": `track.registerModel('spam', { run, alias: 'champion' })`.
   */
  registerModel(name: string, options: { run: Run; artifactPath?: string; description?: string; alias?: string }): ModelVersion {
    const registry = new Registry(currentStore());
    const version = registry.register(name, options.run.info, options.artifactPath ?? 'model', safeUser(), options.description);
    if (options.alias) {
      registry.setAlias(name, options.alias, version.version);
      version.aliases.push(options.alias);
    }
    return version;
  },

  /** Points an alias ("champion", "staging") at a version; it moves if it pointed elsewhere. */
  setAlias(name: string, alias: string, version: number): void {
    new Registry(currentStore()).setAlias(name, alias, version);
  },

  /** The folder of a registered model: models:/name@alias, models:/name/3 or models:/name (latest). */
  modelPath(uri: string): string {
    return new Registry(currentStore()).resolve(uri).source;
  },

  /** Loads a registered nn model: `await track.loadModel('models:/spam@champion')`. */
  async loadModel(uri: string): Promise<LayersModel> {
    const path = track.modelPath(uri);
    if (!existsSync(join(path, 'model.json'))) throw new Error(`track.loadModel: ${uri} (${path}) is not an nn model (no model.json); use track.modelPath("${uri}") to reach its files.`);
    return load(path);
  },

  /** A registered model's versions with their runs and aliases, as a table. */
  models(name: string): Rich {
    const versions = new Registry(currentStore()).versions(name);
    return table(versions.length ? versions.map((v) => ({ version: v.version, aliases: v.aliases.join(', '), run: v.runId.slice(0, 8), description: v.description, source: v.source })) : [{ version: 'none registered' }], { title: `Model ${name}` });
  },

  /** The run logging now (the innermost, if nested), if any. */
  activeRun(): Run | undefined {
    return active[active.length - 1];
  },

  /** The experiment's runs, newest first, as a table of params and latest metrics. */
  runs(name = experimentName): Rich {
    const s = currentStore();
    const experiment = s.experiments().find((e) => e.name === name);
    const runs = experiment ? s.runs(experiment) : [];
    const rows = runs.map((r) => ({ run: r.runName, status: r.status.toLowerCase(), ...Object.fromEntries(Object.entries(r.params).map(([k, v]) => [`param ${k}`, v])), ...r.metrics }));
    const skipped = s.problems.length ? ` (${s.problems.length} unreadable meta.yaml skipped: ${s.problems.map((p) => p.path).join(', ')})` : '';
    return table(rows.length ? rows : [{ run: 'no runs yet' }], { title: `${name}: ${runs.length} run${runs.length === 1 ? '' : 's'} in ${s.root}${skipped}` });
  },
};

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function gitState(cwd: string): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

export { Run } from './run';
export type { ModelVersion } from '../../tracking/registry';
export { SweepResult, type Choice, type Params, type Range, type Space, type SweepOptions, type Trial } from './sweep';
export { FileStore, type ExperimentInfo, type RunInfo, type RunStatus } from '../../tracking/store';
