// Everything a run depends on, in one place: change it here, and the next `npm run train` records
// the change in its runs' params.
export const config = {
  /** The raw data, as it arrives. Its hash is logged with every run (lineage). */
  dataPath: 'data/penguins.csv',
  target: 'species',
  numeric: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'],
  categorical: ['island', 'sex'],
  testSize: 0.2,
  seed: 42,
  experiment: 'penguins',
  modelName: 'penguins',
  /** The sweep: every combination is a tracked run (3 × 2 = 6). */
  space: { units: [8, 16, 32], learningRate: [0.01, 0.05] },
  epochs: 40,
  /** Where `package` puts the champion for serving and the container. */
  modelDir: 'model',
  /** The quality gate: no model below it is registered. */
  minAccuracy: 0.9,
};

export type Config = typeof config;
