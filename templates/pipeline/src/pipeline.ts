// The whole pipeline, one command (`npm run train`): data → features → a sweep of training runs,
// each tracked in mlruns/ and scored on the validation split → the best by validation accuracy,
// scored once on the test split → if that passes the quality gate, registered as the "champion"
// version of the model → packaged into model/ for serving, with the statistics drift checks need.
import { monitor, nn, track, type Run } from 'aielab';
import { config as defaults, type Config } from './config';
import { loadData } from './data';
import { evaluate, named } from './evaluate';
import { featureNames, fitFeatures, labels, transform } from './features';
import { FEATURES_FILE, REFERENCE_FILE, type ModelCard } from './model';
import { packageModel } from './package';
import { trainModel, type Model } from './train';

export interface PipelineResult {
  /** Every run of the sweep with its validation scores. */
  runs: Array<{ runId: string; params: Record<string, string | number | boolean>; val_accuracy: number; val_f1_macro: number }>;
  /** The chosen run, registered: its card has its validation and its test scores. */
  champion: Omit<ModelCard, 'packagedAt'>;
  modelDir: string;
}

export async function runPipeline(config: Config = defaults): Promise<PipelineResult> {
  track.experiment(config.experiment);
  const dataset = loadData(config);
  const spec = fitFeatures(dataset.train, config);
  const [xTrain, yTrain] = [transform(spec, dataset.train), labels(spec, dataset.train)];
  const [xVal, yVal] = [transform(spec, dataset.validation), labels(spec, dataset.validation)];
  // Each trial's run and model, kept until the choice is made: the chosen one is tested below.
  const trained = new Map<string, { run: Run; model: Model }>();

  const sweep = await track.sweep(
    config.space,
    async (params, { run, seed }) => {
      run
        .logParams({ epochs: config.epochs, val_size: config.valSize, test_size: config.testSize, data_path: config.dataPath })
        .setTag('data.sha256', dataset.hash);
      const model = await trainModel(xTrain, yTrain, spec.classes.length, {
        units: Number(params.units),
        learningRate: Number(params.learningRate),
        epochs: config.epochs,
        seed,
      });
      trained.set(run.id, { run, model });
      await run.logModel(model);
      run.logText(`${JSON.stringify(spec, null, 2)}\n`, `model/${FEATURES_FILE}`);
      return named('val', evaluate(model, spec, xVal, yVal));
    },
    { metric: 'val_accuracy', name: 'sweep', seed: config.seed },
  );

  const best = sweep.best;
  // The test split, for the first and only time: the chosen model's score on rows no choice has seen.
  const chosen = trained.get(best.runId) as { run: Run; model: Model };
  const test = named('test', evaluate(chosen.model, spec, transform(spec, dataset.test), labels(spec, dataset.test)));
  // What the chosen model learned from and what it predicts there: the training rows' statistics,
  // which `npm run retrain` compares the served requests with (drift).
  const reference = monitor.reference(xTrain, {
    features: featureNames(spec),
    predictions: { labels: spec.classes, classes: nn.predict(chosen.model, xTrain).map((p) => p.indexOf(Math.max(...p))) },
  });
  for (const { model } of trained.values()) model.dispose();
  // MLflow takes metrics on a finished run: the test scores join the chosen run's record.
  chosen.run.logMetrics(test).setTag('aielab.chosen', 'true');
  const scores = { ...best.metrics, ...test };
  const [valAccuracy, testAccuracy] = [scores.val_accuracy as number, scores.test_accuracy as number];
  if (testAccuracy < config.minAccuracy) {
    throw new Error(
      `quality gate: the chosen run (best val_accuracy ${valAccuracy.toFixed(3)} of ${sweep.trials.length}) reached test_accuracy ${testAccuracy.toFixed(3)}, below ${config.minAccuracy}; nothing was registered. Compare the runs' validation metrics (VS Code's AI Lab: Show Runs, aielab runs list, or mlflow ui) and change the space in src/config.ts.`,
    );
  }
  const splits = {
    train: { rows: dataset.train.length, use: 'fits the features and the weights' },
    validation: { rows: dataset.validation.length, use: `val_* metrics: chose this run, the best val_accuracy of ${sweep.trials.length}` },
    test: {
      rows: dataset.test.length,
      use: 'test_* metrics: this run only, measured once after the choice; the quality gate reads test_accuracy',
    },
  };
  chosen.run.logText(`${JSON.stringify(reference)}\n`, `model/${REFERENCE_FILE}`);
  const version = track.registerModel(config.modelName, {
    run: best.runId,
    alias: 'champion',
    description: `best of ${sweep.trials.length} runs by validation accuracy (val_accuracy ${valAccuracy.toFixed(3)} on ${splits.validation.rows} validation rows), then test_accuracy ${testAccuracy.toFixed(3)} on ${splits.test.rows} test rows, measured once; ${JSON.stringify(best.params)}`,
  });
  const champion = {
    name: config.modelName,
    version: version.version,
    runId: best.runId,
    params: { ...best.params, seed: best.seed },
    metrics: scores,
    splits,
    dataSha256: dataset.hash,
  };
  return {
    runs: sweep.trials.map((t) => ({
      runId: t.runId,
      params: t.params,
      val_accuracy: t.metrics.val_accuracy as number,
      val_f1_macro: t.metrics.val_f1_macro as number,
    })),
    champion,
    modelDir: packageModel(champion, config.modelDir),
  };
}

if (require.main === module) {
  const started = Date.now();
  runPipeline().then(
    (result) => {
      const { name, version, runId, metrics, splits } = result.champion;
      console.table(
        result.runs.map((r) => ({
          run: r.runId.slice(0, 8),
          ...r.params,
          val_accuracy: Number(r.val_accuracy.toFixed(3)),
          val_f1_macro: Number(r.val_f1_macro.toFixed(3)),
          chosen: r.runId === runId ? '★' : '',
        })),
      );
      console.log(
        `${result.runs.length} runs tracked in mlruns/ (experiment "${defaults.experiment}"), scored on ${splits.validation.rows} validation rows.`,
      );
      console.log(
        `Chose run ${runId.slice(0, 8)} (val_accuracy ${metrics.val_accuracy?.toFixed(3)}); on the ${splits.test.rows} test rows, once: test_accuracy ${metrics.test_accuracy?.toFixed(3)}, test_f1_macro ${metrics.test_f1_macro?.toFixed(3)}.`,
      );
      console.log(`Registered ${name} version ${version} as models:/${name}@champion, packaged in ${result.modelDir}/.`);
      console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Serve it: npm run serve`);
    },
    (error: Error) => {
      console.error(`pipeline failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
