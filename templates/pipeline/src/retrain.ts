// Retraining (`npm run retrain`): is the served champion still fit for its inputs? The pipeline
// runs again when the requests its server logged (`npm run serve -- --log-requests
// requests.jsonl`) drifted from the rows it learned from, or when it is `maxAgeDays` old (the
// schedule: the world moves before drift shows). Only with data it has not trained on: the pipeline
// is seeded, so the same data gives the same model. A retrained model is promoted only through the
// pipeline's own quality gate; below it nothing is registered and model/ keeps the champion.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { monitor, type Reference } from 'aielab';
import { config as defaults, type Config } from './config';
import { fileSha256 } from './data';
import { CARD_FILE, REFERENCE_FILE, type ModelCard } from './model';
import { runPipeline, type PipelineResult } from './pipeline';
import type { LoggedRequest } from './serve';

export type RetrainPolicy = Config['retrain'];

/** What is known about the served champion and the data the pipeline would train on now. */
export interface ServedState {
  /** The packaged champion's card; absent when model/ holds none. */
  card?: Pick<ModelCard, 'name' | 'version' | 'packagedAt' | 'dataSha256'>;
  /** Rows its server logged for it (its name and version) since it was packaged; 0 without a log. */
  loggedRows: number;
  /** Drift over the newest of those rows: how many were compared, and what drifted (features, '(predicted class)'). */
  drift?: { rows: number; drifted: string[] };
  /** Why drift was not measured, when it was not. */
  unmeasured?: string;
  /** sha256 of the data the pipeline would train on now. */
  dataSha256: string;
}

export interface Decision {
  /** retrain: run the pipeline; keep: nothing calls for it; needs-data: it is called for, but the data is what the champion learned from. */
  verdict: 'retrain' | 'keep' | 'needs-data';
  reasons: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The decision alone, from what is known: no files, no clock of its own, no training. */
export function decide(state: ServedState, policy: RetrainPolicy, now: Date): Decision {
  const { card } = state;
  if (!card) return { verdict: 'retrain', reasons: ['no champion is packaged: train one'] };
  const triggers: string[] = [];
  const calm: string[] = [];
  const champion = `${card.name} version ${card.version}`;
  const age = (now.getTime() - Date.parse(card.packagedAt)) / DAY_MS;
  if (!Number.isFinite(age)) triggers.push(`${champion} has no readable packaging time (${JSON.stringify(card.packagedAt)})`);
  else if (age >= policy.maxAgeDays)
    triggers.push(`${champion} is ${age.toFixed(1)} days old, at or past maxAgeDays (${policy.maxAgeDays})`);
  else calm.push(`${champion} is ${age.toFixed(1)} days old, under maxAgeDays (${policy.maxAgeDays})`);
  if (state.loggedRows < policy.minRows)
    calm.push(
      state.unmeasured ??
        `${state.loggedRows} rows logged since it was packaged, under minRows (${policy.minRows}): too few to judge drift`,
    );
  else if (!state.drift) calm.push(state.unmeasured ?? 'drift was not measured');
  else if (state.drift.drifted.length)
    triggers.push(`drift over the newest ${state.drift.rows} logged rows in ${state.drift.drifted.join(', ')}`);
  else calm.push(`no drift over the newest ${state.drift.rows} logged rows`);
  if (!triggers.length) return { verdict: 'keep', reasons: calm };
  if (state.dataSha256 === card.dataSha256)
    return {
      verdict: 'needs-data',
      reasons: [
        ...triggers,
        'but the data is what the champion trained on (the same sha256), so retraining would give the same model: add newly labelled rows (for example a labelled sample of the logged requests) and run again',
      ],
    };
  return { verdict: 'retrain', reasons: triggers };
}

/** Reads the packaged champion (card, reference) and its request log: the state `decide` judges. */
export function readServed(config: Config, options: { modelDir: string; requestLog: string }): ServedState {
  const { modelDir, requestLog } = options;
  const dataSha256 = fileSha256(config.dataPath);
  if (!existsSync(join(modelDir, CARD_FILE))) return { loggedRows: 0, dataSha256 };
  const card = JSON.parse(readFileSync(join(modelDir, CARD_FILE), 'utf8')) as ModelCard;
  const state = { card, dataSha256 };
  if (!existsSync(requestLog))
    return { ...state, loggedRows: 0, unmeasured: `no request log at ${requestLog} (serve with --log-requests ${requestLog})` };
  const since = Date.parse(card.packagedAt);
  const rows: number[][] = [];
  const predictions: string[] = [];
  readFileSync(requestLog, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let entry: LoggedRequest;
      try {
        entry = JSON.parse(line) as LoggedRequest;
      } catch {
        throw new Error(`${requestLog}, line ${i + 1}: not a JSON request record.`);
      }
      // This champion's requests only: its name and version, served since it was packaged.
      if (entry.model !== card.name || entry.version !== String(card.version) || !(Date.parse(entry.time) >= since)) return;
      rows.push(...entry.rows);
      predictions.push(...(entry.predictions ?? []));
    });
  if (!rows.length) return { ...state, loggedRows: 0 };
  if (!existsSync(join(modelDir, REFERENCE_FILE)))
    return {
      ...state,
      loggedRows: rows.length,
      unmeasured: `${modelDir} has no ${REFERENCE_FILE} to compare the requests with (npm run train packages it)`,
    };
  const reference = JSON.parse(readFileSync(join(modelDir, REFERENCE_FILE), 'utf8')) as Reference;
  const window = rows.slice(-config.retrain.windowRows);
  const report = monitor.drift(
    reference,
    window,
    predictions.length === rows.length ? { predictions: predictions.slice(-window.length) } : {},
  );
  const drifted = [...report.drifted.map((f) => f.feature), ...(report.predictions?.drifted ? ['(predicted class)'] : [])];
  return { ...state, loggedRows: rows.length, drift: { rows: window.length, drifted } };
}

export interface RetrainResult {
  decision: Decision;
  /** The pipeline's result, when it ran and its gate passed (it throws when the gate fails). */
  pipeline?: PipelineResult;
}

/** Decides, and reruns the whole pipeline (quality gate included) when the decision says so. */
export async function retrain(
  config: Config = defaults,
  options: { modelDir?: string; requestLog?: string; now?: Date; onDecision?: (decision: Decision) => void } = {},
): Promise<RetrainResult> {
  const modelDir = options.modelDir ?? config.modelDir;
  const state = readServed(config, { modelDir, requestLog: options.requestLog ?? config.retrain.requestLog });
  const decision = decide(state, config.retrain, options.now ?? new Date());
  options.onDecision?.(decision);
  if (decision.verdict !== 'retrain') return { decision };
  return { decision, pipeline: await runPipeline({ ...config, modelDir }) };
}

if (require.main === module) {
  const { values } = parseArgs({ options: { 'request-log': { type: 'string' } } });
  const modelDir = process.env.MODEL_DIR ?? defaults.modelDir;
  const requestLog = values['request-log'] ?? defaults.retrain.requestLog;
  const champion = existsSync(join(modelDir, CARD_FILE));
  retrain(defaults, {
    modelDir,
    requestLog,
    // Printed before the pipeline runs, so a failed gate still shows why it ran.
    onDecision: (decision) => {
      for (const reason of decision.reasons) console.log(`- ${reason}`);
      if (decision.verdict === 'retrain') console.log('Retraining: the whole pipeline, through its quality gate.');
    },
  }).then(
    ({ decision, pipeline }) => {
      if (pipeline) {
        const { name, version, metrics } = pipeline.champion;
        console.log(
          `Promoted ${name} version ${version} (test_accuracy ${metrics.test_accuracy?.toFixed(3)}) as models:/${name}@champion, packaged in ${pipeline.modelDir}/.`,
        );
      } else if (decision.verdict === 'keep') console.log(`No retraining: ${modelDir}/ keeps the champion.`);
      else {
        console.error(`retrain: called for, but ${defaults.dataPath} holds no new data; ${modelDir}/ keeps the champion.`);
        process.exitCode = 1;
      }
    },
    (error: Error) => {
      console.error(`retrain: ${error.message}${champion ? ` ${modelDir}/ keeps the champion.` : ''}`);
      process.exitCode = 1;
    },
  );
}
