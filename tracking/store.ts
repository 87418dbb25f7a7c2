// MLflow's file store, as `mlflow ui` reads it: mlruns/<experiment id>/meta.yaml, and per run
// mlruns/<experiment id>/<run id>/ with meta.yaml, params/<key> (the value), metrics/<key> (lines of
// "timestamp value step"), tags/<key> and artifacts/. Runs of two kernels never share a file; an
// experiment created by both at once gets one id (derived from its name) and one meta.yaml.
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TrackingStore } from './backend';
import { dumpMeta, loadMeta, type MetaValue } from './yaml';

export const RUN_STATUS = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;
export type RunStatus = keyof typeof RUN_STATUS;
/** MLflow's SourceType: a notebook, or a script run from a terminal. */
export const SOURCE_TYPE = { NOTEBOOK: 1, JOB: 2, PROJECT: 3, LOCAL: 4, UNKNOWN: 1000 } as const;

export interface ExperimentInfo {
  id: string;
  name: string;
  artifactLocation: string;
}

export interface RunInfo {
  runId: string;
  runName: string;
  experimentId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
}

export type StoredRun = RunInfo & { params: Record<string, string>; metrics: Record<string, number>; tags: Record<string, string> };

export interface StoreProblem {
  path: string;
  problem: string;
}

export class FileStore implements TrackingStore {
  readonly root: string;
  /** meta.yaml files that could not be read: listed, skipped, never touched. */
  readonly problems: StoreProblem[] = [];

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The experiment with this name, created if it does not exist ("Default" is id 0, as in MLflow). */
  experiment(name: string): ExperimentInfo {
    const found = this.experiments().find((e) => e.name === name);
    if (found) return found;
    const id = name === 'Default' ? '0' : experimentId(name);
    const dir = join(this.root, id);
    mkdirSync(dir, { recursive: true });
    mkdirSync(join(this.root, '.trash'), { recursive: true });
    const now = Date.now();
    const artifactLocation = pathToFileURL(dir).href;
    try {
      writeFileSync(
        join(dir, 'meta.yaml'),
        dumpMeta({
          artifact_location: artifactLocation,
          creation_time: now,
          experiment_id: id,
          last_update_time: now,
          lifecycle_stage: 'active',
          name,
        }),
        { flag: 'wx' },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return { id, name, artifactLocation };
  }

  experiments(): ExperimentInfo[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(join(this.root, d.name, 'meta.yaml')))
      .flatMap((d) => {
        const meta = this.meta(join(this.root, d.name, 'meta.yaml'));
        return meta && meta.lifecycle_stage !== 'deleted'
          ? [{ id: String(meta.experiment_id), name: String(meta.name), artifactLocation: String(meta.artifact_location) }]
          : [];
      });
  }

  createRun(
    experiment: ExperimentInfo,
    runName: string,
    userId: string,
    sourceType: number,
    tags: Readonly<Record<string, string>> = {},
  ): RunInfo {
    const runId = randomUUID().replace(/-/g, '');
    const dir = join(this.root, experiment.id, runId);
    for (const sub of ['params', 'metrics', 'tags', 'artifacts']) mkdirSync(join(dir, sub), { recursive: true });
    const info: RunInfo = {
      runId,
      runName,
      experimentId: experiment.id,
      status: 'RUNNING',
      startTime: Date.now(),
      endTime: null,
      artifactUri: pathToFileURL(join(dir, 'artifacts')).href,
    };
    this.writeRunMeta(info, userId, sourceType);
    for (const [key, value] of Object.entries(tags)) this.setTag(info, key, value);
    return info;
  }

  writeRunMeta(info: RunInfo, userId: string, sourceType: number): void {
    const meta: Record<string, MetaValue> = {
      artifact_uri: info.artifactUri,
      end_time: info.endTime,
      entry_point_name: '',
      experiment_id: info.experimentId,
      lifecycle_stage: 'active',
      run_id: info.runId,
      run_name: info.runName,
      run_uuid: info.runId,
      source_name: '',
      source_type: sourceType,
      source_version: '',
      start_time: info.startTime,
      status: RUN_STATUS[info.status],
      tags: [],
      user_id: userId,
    };
    writeFileSync(join(this.runDir(info), 'meta.yaml'), dumpMeta(meta));
  }

  /** A parameter is written once; logging it again with another value is an error, as in MLflow. */
  logParam(info: RunInfo, key: string, value: string): void {
    const file = join(this.runDir(info), 'params', safeKey(key, 'param'));
    if (existsSync(file)) {
      const before = readFileSync(file, 'utf8');
      if (before !== value)
        throw new Error(
          `track: param "${key}" is already "${before}" in this run; params do not change within a run (log a metric, or start a new run).`,
        );
      return;
    }
    writeFileSync(file, value);
  }

  logMetric(info: RunInfo, key: string, value: number, step: number, timestamp: number): void {
    checkMetric(key, value);
    appendFileSync(join(this.runDir(info), 'metrics', safeKey(key, 'metric')), `${timestamp} ${formatValue(value)} ${step}\n`);
  }

  setTag(info: RunInfo, key: string, value: string): void {
    writeFileSync(join(this.runDir(info), 'tags', safeKey(key, 'tag')), value);
  }

  runs(experiment: ExperimentInfo): StoredRun[] {
    const dir = join(this.root, experiment.id);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'meta.yaml')))
      .flatMap((d) => {
        const meta = this.meta(join(dir, d.name, 'meta.yaml'));
        if (!meta) return [];
        const status = (Object.keys(RUN_STATUS) as RunStatus[]).find((s) => RUN_STATUS[s] === meta.status) ?? 'RUNNING';
        const info: RunInfo = {
          runId: String(meta.run_id ?? d.name),
          runName: String(meta.run_name ?? ''),
          experimentId: experiment.id,
          status,
          startTime: Number(meta.start_time),
          endTime: meta.end_time === null ? null : Number(meta.end_time),
          artifactUri: String(meta.artifact_uri),
        };
        const read = (sub: string) =>
          (existsSync(join(dir, d.name, sub)) ? readdirSync(join(dir, d.name, sub)) : []).map(
            (k) => [k, readFileSync(join(dir, d.name, sub, k), 'utf8')] as const,
          );
        const lastValue = (text: string) => parseValue(text.trim().split('\n').pop()?.split(' ')[1] ?? '');
        return [
          {
            ...info,
            params: Object.fromEntries(read('params')),
            metrics: Object.fromEntries(read('metrics').map(([k, v]) => [k, lastValue(v)])),
            tags: Object.fromEntries(read('tags')),
          },
        ];
      })
      .sort((a, b) => b.startTime - a.startTime);
  }

  /** Every logged value of each metric of a run, as [step, value] pairs in logging order. */
  history(info: Pick<RunInfo, 'experimentId' | 'runId'>): Record<string, Array<[number, number]>> {
    const dir = join(this.runDir(info), 'metrics');
    if (!existsSync(dir)) return {};
    return Object.fromEntries(
      readdirSync(dir).map((key) => [
        key,
        readFileSync(join(dir, key), 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [, value, step] = line.split(' ');
            return [Number(step), parseValue(value ?? '')] as [number, number];
          }),
      ]),
    );
  }

  runDir(info: Pick<RunInfo, 'experimentId' | 'runId'>): string {
    return join(this.root, info.experimentId, info.runId);
  }

  artifactDir(info: RunInfo): string {
    return join(this.runDir(info), 'artifacts');
  }

  /** Nothing to do: the artifact folder is the store itself. */
  artifactsAdded(): void {}

  private meta(file: string): Record<string, MetaValue> | undefined {
    try {
      return loadMeta(readFileSync(file, 'utf8'), file);
    } catch (error) {
      if (!this.problems.some((p) => p.path === file)) this.problems.push({ path: file, problem: (error as Error).message });
      return undefined;
    }
  }
}

/** A metric is a number; NaN and the infinities are numbers too, and MLflow keeps them (a diverged loss). */
export function checkMetric(key: string, value: number): void {
  if (typeof value !== 'number') throw new TypeError(`track: metric "${key}" must be a number; got ${JSON.stringify(value)}.`);
}

/** 18 digits from the name, like MLflow's random experiment ids, the same in every kernel. */
function experimentId(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 15);
  return String(100000000000000000n + (BigInt(`0x${hex}`) % 899999999999999999n));
}

function safeKey(key: string, what: string): string {
  if (!/^[\w\-. ]+$/.test(key) || key.startsWith('.'))
    throw new TypeError(`track: ${what} name "${key}" may hold letters, digits, _ - . and spaces, and not start with a dot.`);
  return key;
}

/**
 * Python's repr of a float, which MLflow's "%s" writes: 3 is "3.0", 1e16 is "1e+16", 1e-5 is "1e-05",
 * and the non-finite values are "inf", "-inf" and "nan". The digits are the shortest that read back
 * as the same number, in both languages; repr writes an exponent when the point is more than 16
 * places right or 4 places left of the first digit.
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Object.is(value, -0)) return '-0.0';
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  const point = Number(exponent) + 1;
  if (point > -4 && point <= 16) {
    const fixed = String(value);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** A value as Python's float() reads it: MLflow's "inf", "-inf" and "nan" (any case, "infinity" too) or a number. */
export function parseValue(text: string): number {
  const word = /^([-+]?)(inf|infinity|nan)$/i.exec(text.trim());
  if (!word) return Number(text);
  if ((word[2] as string).toLowerCase() === 'nan') return Number.NaN;
  return word[1] === '-' ? -Infinity : Infinity;
}
