// Step 5, packaging: the registered champion's files, copied out of the registry into one folder
// with its card, which is all the server and the container need.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { track } from 'aielab';
import { CARD_FILE, type ModelCard } from './model';

export function packageModel(card: Omit<ModelCard, 'packagedAt'>, modelDir: string): string {
  const source = track.modelPath(`models:/${card.name}/${card.version}`);
  rmSync(modelDir, { recursive: true, force: true });
  mkdirSync(modelDir, { recursive: true });
  cpSync(source, modelDir, { recursive: true });
  writeFileSync(join(modelDir, CARD_FILE), `${JSON.stringify({ ...card, packagedAt: new Date().toISOString() }, null, 2)}\n`);
  return modelDir;
}
