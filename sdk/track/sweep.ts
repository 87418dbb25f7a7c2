// track.sweep: hyperparameter search where every configuration is a child run of one sweep run,
// so mlflow ui (and `aielab runs`) shows the whole search; returns the best. A grid tries every
// combination; a random search draws `trials` configurations from ranges with a seed.
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { seeded } from '../ml/random';
import type { Run } from './run';

export type Choice = ReadonlyArray<string | number | boolean>;
/** A range to draw from: uniform, or log-uniform (learning rates) with `log: true`; `int` rounds. */
export interface Range {
  min: number;
  max: number;
  log?: boolean;
  int?: boolean;
}
export type Space = Readonly<Record<string, Choice | Range>>;
export type Params = Record<string, string | number | boolean>;

export interface SweepOptions {
  name?: string;
  /** The metric that decides the best trial, and whether higher is better (default max). */
  metric: string;
  goal?: 'max' | 'min';
  /** Random search: how many configurations to draw (required when the space has ranges). */
  trials?: number;
  seed?: number;
  /**
   * The seed each trial trains with. 'same' (the default): every trial gets `seed`, so trials
   * differ in their hyperparameters alone and their effects can be told apart. 'per trial': trial
   * i gets seed × 1000 + i, for measuring the seed's own spread (one configuration, several trials).
   */
  seeds?: 'same' | 'per trial';
}

export interface Trial {
  params: Params;
  metrics: Record<string, number>;
  runId: string;
  seed: number;
}

export class SweepResult {
  constructor(
    readonly metric: string,
    readonly trials: Trial[],
    readonly best: Trial,
    readonly runId: string,
  ) {}

  [RICH_VIEW](): Rich {
    const rows = this.trials.map((t, i) => ({ trial: i + 1, ...t.params, ...t.metrics, best: t === this.best ? '★' : '' }));
    return table(rows, {
      title: `Sweep: ${this.trials.length} trials, best ${this.metric} ${this.best.metrics[this.metric]} with ${JSON.stringify(this.best.params)}`,
    });
  }
}

export function configurations(space: Space, options: Pick<SweepOptions, 'trials' | 'seed'>): Params[] {
  const names = Object.keys(space);
  if (!names.length) throw new Error('track.sweep: the space is empty; give each hyperparameter its values, e.g. { lr: [0.001, 0.01] }.');
  const ranged = names.filter((n) => !Array.isArray(space[n]));
  if (options.trials === undefined) {
    if (ranged.length)
      throw new Error(
        `track.sweep: ${ranged.join(', ')} ${ranged.length === 1 ? 'is a range' : 'are ranges'}; a range needs a random search: pass { trials: 10 }.`,
      );
    return names.reduce<Params[]>((combos, name) => combos.flatMap((c) => (space[name] as Choice).map((v) => ({ ...c, [name]: v }))), [{}]);
  }
  const random = seeded(options.seed ?? 0);
  return Array.from({ length: options.trials }, () =>
    Object.fromEntries(
      names.map((name) => {
        const dimension = space[name] as Choice | Range;
        if (Array.isArray(dimension)) return [name, dimension[Math.floor(random() * dimension.length)] as string | number | boolean];
        const { min, max, log, int } = dimension as Range;
        const value = log ? Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))) : min + random() * (max - min);
        return [name, int ? Math.round(value) : value];
      }),
    ),
  );
}

export async function sweep(
  start: (name: string, nested: boolean) => Run,
  space: Space,
  train: (params: Params, trial: { run: Run; seed: number; index: number }) => Record<string, number> | Promise<Record<string, number>>,
  options: SweepOptions,
): Promise<SweepResult> {
  const configs = configurations(space, options);
  const parent = start(options.name ?? 'sweep', false);
  parent.logParams({
    space: JSON.stringify(space),
    metric: options.metric,
    goal: options.goal ?? 'max',
    ...(options.trials ? { trials: options.trials } : {}),
    seed: options.seed ?? 0,
    seeds: options.seeds ?? 'same',
  });
  const trials: Trial[] = [];
  try {
    for (const [index, params] of configs.entries()) {
      const seed = options.seeds === 'per trial' ? (options.seed ?? 0) * 1000 + index : (options.seed ?? 0);
      const run = start(`${options.name ?? 'sweep'} · trial ${index + 1}`, true);
      try {
        run.logParams({ ...params, seed });
        const metrics = await train(params, { run, seed, index });
        if (typeof metrics?.[options.metric] !== 'number')
          throw new Error(
            `track.sweep: the training function must return { ${options.metric}: number, … }; trial ${index + 1} returned ${JSON.stringify(metrics)}.`,
          );
        run.logMetrics(metrics);
        run.end('FINISHED');
        trials.push({ params, metrics, runId: run.id, seed });
      } catch (error) {
        run.end('FAILED');
        throw error;
      }
    }
  } catch (error) {
    parent.end('FAILED');
    throw error;
  }
  const sign = options.goal === 'min' ? -1 : 1;
  const best = trials.reduce((a, b) =>
    sign * (b.metrics[options.metric] as number) > sign * (a.metrics[options.metric] as number) ? b : a,
  );
  parent.logMetric(`best ${options.metric}`, best.metrics[options.metric] as number).setTag('aielab.sweep.bestRunId', best.runId);
  parent.end('FINISHED');
  return new SweepResult(options.metric, trials, best, parent.id);
}
