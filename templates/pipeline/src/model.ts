// A packaged model as serving uses it: the network, the feature spec it was trained with, and its
// card (which registered version and run it is). Requests are raw rows, as in data/.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nn } from 'aielab';
import type { Row } from './data';
import { transform, type FeatureSpec } from './features';
import type { Model } from './train';

export interface ModelCard {
  name: string;
  version: number;
  runId: string;
  params: Record<string, string | number | boolean>;
  /** val_*: on the validation split, where this run was chosen; test_*: on the test split, measured once, after the choice. */
  metrics: Record<string, number>;
  /** Each split's rows and what it was used for, so every number above says where it comes from. */
  splits: Record<'train' | 'validation' | 'test', { rows: number; use: string }>;
  dataSha256: string;
  packagedAt: string;
}

export interface PackagedModel {
  model: Model;
  spec: FeatureSpec;
  card: ModelCard;
}

export const FEATURES_FILE = 'features.json';
export const CARD_FILE = 'model-card.json';
/** The training rows' statistics (monitor.reference), for drift checks on what the server sees. */
export const REFERENCE_FILE = 'reference.json';

export async function loadPackaged(dir: string): Promise<PackagedModel> {
  for (const file of ['model.json', FEATURES_FILE, CARD_FILE]) {
    if (!existsSync(join(dir, file)))
      throw new Error(
        `${dir} has no ${file}: it is not a packaged model. Run \`npm run train\` first (it packages the champion into model/), or set MODEL_DIR.`,
      );
  }
  return {
    model: await nn.load(dir),
    spec: JSON.parse(readFileSync(join(dir, FEATURES_FILE), 'utf8')) as FeatureSpec,
    card: JSON.parse(readFileSync(join(dir, CARD_FILE), 'utf8')) as ModelCard,
  };
}

export function predict(packaged: PackagedModel, rows: readonly Row[]): Array<{ label: string; probabilities: number[] }> {
  if (!rows.length) return [];
  return nn.predict(packaged.model, transform(packaged.spec, rows)).map((probabilities) => ({
    label: packaged.spec.classes[probabilities.indexOf(Math.max(...probabilities))] as string,
    probabilities,
  }));
}
