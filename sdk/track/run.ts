// A tracked run: params, metrics with steps, tags and artifacts, written as they are logged, so a
// crash loses nothing already logged and `mlflow ui` can watch a run while it trains.
import { copyFileSync, mkdirSync, statSync, cpSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { save } from '../nn/checkpoint';
import type { LayersModel } from '../nn/tf';
import { artifactPath as safePath, checkInside } from '../../tracking/artifactPath';
import type { TrackingStore } from '../../tracking/backend';
import type { RunInfo, RunStatus } from '../../tracking/store';

export class Run {
  private stepOf = new Map<string, number>();

  constructor(
    private readonly store: TrackingStore,
    readonly info: RunInfo,
    private readonly userId: string,
    private readonly sourceType: number,
    private readonly onEnd: (run: Run) => void = () => undefined,
  ) {}

  get id(): string {
    return this.info.runId;
  }

  get name(): string {
    return this.info.runName;
  }

  get status(): RunStatus {
    return this.info.status;
  }

  logParam(key: string, value: unknown): this {
    this.store.logParam(this.info, key, typeof value === 'string' ? value : JSON.stringify(value));
    return this;
  }

  logParams(params: Readonly<Record<string, unknown>>): this {
    for (const [key, value] of Object.entries(params)) this.logParam(key, value);
    return this;
  }

  /** One value of a metric; the step counts up from 0 per metric unless given. */
  logMetric(key: string, value: number, step?: number): this {
    const at = step ?? (this.stepOf.has(key) ? (this.stepOf.get(key) as number) + 1 : 0);
    // Counted once logged: a value the store refused does not use up a step.
    this.store.logMetric(this.info, key, value, at, Date.now());
    this.stepOf.set(key, at);
    return this;
  }

  logMetrics(metrics: Readonly<Record<string, number>>, step?: number): this {
    for (const [key, value] of Object.entries(metrics)) this.logMetric(key, value, step);
    return this;
  }

  setTag(key: string, value: string): this {
    this.store.setTag(this.info, key, value);
    return this;
  }

  /** Copies a file or folder into the run's artifacts (under `artifactPath`, if given). */
  logArtifact(path: string, artifactPath = ''): string {
    const root = this.store.artifactDir(this.info);
    const target = join(root, safePath(artifactPath, 'run.logArtifact: artifact path', true));
    // The name the file has here: "..", "." or "/" would name a folder above the target.
    const name = basename(resolve(path));
    if (!name)
      throw new TypeError(`track: run.logArtifact cannot log ${JSON.stringify(path)} (the root folder); name a file or folder in it.`);
    const into = join(target, name);
    checkInside(root, into, `run.logArtifact: artifact path ${JSON.stringify(artifactPath)}`);
    mkdirSync(target, { recursive: true });
    if (statSync(path).isDirectory()) cpSync(path, into, { recursive: true });
    else copyFileSync(path, into);
    this.store.artifactsAdded(this.info, relative(root, into));
    return into;
  }

  /** Writes text (a report, a config) as an artifact file. */
  logText(text: string, file: string): string {
    const root = this.store.artifactDir(this.info);
    const target = join(root, safePath(file, 'run.logText: file', false));
    checkInside(root, target, `run.logText: file ${JSON.stringify(file)}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    this.store.artifactsAdded(this.info, relative(root, target));
    return target;
  }

  /** Saves an nn model into the run's artifacts (`model/` by default), ready for track.registerModel. */
  async logModel(model: LayersModel, artifactPath = 'model'): Promise<string> {
    const root = this.store.artifactDir(this.info);
    const dir = await save(model, join(root, safePath(artifactPath, 'run.logModel: artifact path', false)));
    this.store.artifactsAdded(this.info, relative(root, dir));
    return dir;
  }

  end(status: RunStatus = 'FINISHED'): this {
    if (this.info.status !== 'RUNNING') return this;
    this.info.status = status;
    this.info.endTime = Date.now();
    try {
      this.store.writeRunMeta(this.info, this.userId, this.sourceType);
    } catch (error) {
      // Still running as far as the store knows (a server may be unreachable): end() can be tried again.
      this.info.status = 'RUNNING';
      this.info.endTime = null;
      throw error;
    }
    this.onEnd(this);
    return this;
  }

  [RICH_VIEW](): Rich {
    const run = this.store.runs({ id: this.info.experimentId, name: '', artifactLocation: '' }).find((r) => r.runId === this.id);
    const rows = [
      ...Object.entries(run?.params ?? {}).map(([name, value]) => ({ kind: 'param', name, value })),
      ...Object.entries(run?.metrics ?? {}).map(([name, value]) => ({ kind: 'metric (latest)', name, value })),
    ];
    return table(rows.length ? rows : [{ kind: '', name: 'nothing logged yet', value: '' }], {
      title: `Run ${this.name} (${this.id.slice(0, 8)}) · ${this.status.toLowerCase()}`,
    });
  }
}
