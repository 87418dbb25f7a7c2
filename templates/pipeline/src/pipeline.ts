// The whole pipeline, one command (`npm run train`): data → features → a sweep of training runs,
// each tracked in mlruns/ → the best one, if it passes the quality gate, registered as the
// "champion" version of the model → packaged into model/ for serving.
import { track } from 'aielab';
import { config as defaults, type Config } from './config';
import { loadData } from './data';
import { evaluate } from './evaluate';
import { fitFeatures, labels, transform } from './features';
import { FEATURES_FILE, type ModelCard } from './model';
import { packageModel } from './package';
import { trainModel } from './train';

export interface PipelineResult {
  runs: Array<{ runId: string; params: Record<string, string | number | boolean>; accuracy: number; f1_macro: number }>;
  champion: Omit<ModelCard, 'packagedAt'>;
  modelDir: string;
}

export async function runPipeline(config: Config = defaults): Promise<PipelineResult> {
  track.experiment(config.experiment);
  const dataset = loadData(config);
  const spec = fitFeatures(dataset.train, config);
  const [xTrain, yTrain] = [transform(spec, dataset.train), labels(spec, dataset.train)];
  const [xTest, yTest] = [transform(spec, dataset.test), labels(spec, dataset.test)];

  const sweep = await track.sweep(
    config.space,
    async (params, { run, seed }) => {
      run.logParams({ epochs: config.epochs, test_size: config.testSize, data_path: config.dataPath }).setTag('data.sha256', dataset.hash);
      const model = await trainModel(xTrain, yTrain, spec.classes.length, {
        units: Number(params.units),
        learningRate: Number(params.learningRate),
        epochs: config.epochs,
        seed,
      });
      const scores = evaluate(model, spec, xTest, yTest);
      await run.logModel(model);
      run.logText(`${JSON.stringify(spec, null, 2)}\n`, `model/${FEATURES_FILE}`);
      model.dispose();
      return scores;
    },
    { metric: 'accuracy', name: 'sweep', seed: config.seed },
  );

  const best = sweep.best;
  const accuracy = best.metrics.accuracy as number;
  if (accuracy < config.minAccuracy) {
    throw new Error(
      `quality gate: the best run reached accuracy ${accuracy.toFixed(3)}, below ${config.minAccuracy}; nothing was registered. Compare the runs (VS Code's AI Lab: Show Runs, aielab runs list, or mlflow ui) and change the space in src/config.ts.`,
    );
  }
  const version = track.registerModel(config.modelName, {
    run: best.runId,
    alias: 'champion',
    description: `best of ${sweep.trials.length} runs: accuracy ${accuracy.toFixed(3)} with ${JSON.stringify(best.params)}`,
  });
  const champion = {
    name: config.modelName,
    version: version.version,
    runId: best.runId,
    params: { ...best.params, seed: best.seed },
    metrics: best.metrics,
    dataSha256: dataset.hash,
  };
  return {
    runs: sweep.trials.map((t) => ({
      runId: t.runId,
      params: t.params,
      accuracy: t.metrics.accuracy as number,
      f1_macro: t.metrics.f1_macro as number,
    })),
    champion,
    modelDir: packageModel(champion, config.modelDir),
  };
}

if (require.main === module) {
  const started = Date.now();
  runPipeline().then(
    (result) => {
      console.table(
        result.runs.map((r) => ({
          run: r.runId.slice(0, 8),
          ...r.params,
          accuracy: Number(r.accuracy.toFixed(3)),
          f1_macro: Number(r.f1_macro.toFixed(3)),
        })),
      );
      const { name, version, runId, metrics } = result.champion;
      console.log(`${result.runs.length} runs tracked in mlruns/ (experiment "${defaults.experiment}").`);
      console.log(
        `Registered ${name} version ${version} as models:/${name}@champion (run ${runId.slice(0, 8)}, accuracy ${metrics.accuracy?.toFixed(3)}), packaged in ${result.modelDir}/.`,
      );
      console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Serve it: npm run serve`);
    },
    (error: Error) => {
      console.error(`pipeline failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
