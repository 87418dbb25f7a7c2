// Checkpoints in TensorFlow.js's own format (model.json + weights.bin, what tfjs-node's file://
// and tensorflowjs_converter read and write), in a folder relative to the notebook.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tf, type LayersModel } from './tf';

const WEIGHTS = 'weights.bin';

/** Saves the model to `folder` (created if needed); returns the folder's absolute path. */
export async function save(model: LayersModel, folder: string): Promise<string> {
  const dir = resolve(folder);
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf().io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? Buffer.from(artifacts.weightData as ArrayBuffer) : Buffer.alloc(0);
      writeFileSync(join(dir, WEIGHTS), weights);
      const manifest = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        weightsManifest: [{ paths: [WEIGHTS], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), `${JSON.stringify(manifest)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }),
  );
  return dir;
}

/** Loads a model saved by nn.save (or any tfjs layers model folder). */
export async function load(folder: string): Promise<LayersModel> {
  const dir = resolve(folder);
  const file = join(dir, 'model.json');
  if (!existsSync(file)) throw new Error(`nn.load: no model.json in ${dir}. Save one with nn.save(model, "${folder}") first.`);
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  const groups = manifest.weightsManifest as Array<{ paths: string[]; weights: unknown[] }>;
  const buffers = groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const joined = Buffer.concat(buffers);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  return tf().loadLayersModel(
    tf().io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: groups.flatMap((g) => g.weights) as never,
      weightData,
      trainingConfig: manifest.trainingConfig,
    }),
  );
}
