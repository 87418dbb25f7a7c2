// Everything a run depends on, in one place: change it here, and the next `npm run train` records
// the change in its runs' params.
export const config = {
  /** The raw data, as it arrives. Its hash is logged with every run (lineage). */
  dataPath: 'data/penguins.csv',
  target: 'species',
  numeric: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'],
  categorical: ['island', 'sex'],
  /**
   * One seeded, stratified split into three parts, as shares of all rows: train fits the features
   * and the weights, validation chooses the sweep's best run, test measures that one run once.
   */
  valSize: 0.2,
  testSize: 0.2,
  seed: 42,
  experiment: 'penguins',
  modelName: 'penguins',
  /** The sweep: every combination is a tracked run (3 × 2 = 6). */
  space: { units: [8, 16, 32], learningRate: [0.01, 0.05] },
  epochs: 40,
  /** Where `package` puts the champion for serving and the container. */
  modelDir: 'model',
  /** The quality gate: the chosen run's accuracy on the test split (test_accuracy) must reach it, or nothing is registered. */
  minAccuracy: 0.9,
  /**
   * When `npm run retrain` reruns the pipeline: the champion's inputs drifted (over the newest
   * `windowRows` rows its server logged since it was packaged, judged only from `minRows` rows on),
   * or the champion is `maxAgeDays` old. Either way only with data it has not trained on.
   */
  retrain: { requestLog: 'requests.jsonl', windowRows: 500, minRows: 100, maxAgeDays: 30 },
};

export type Config = typeof config;
