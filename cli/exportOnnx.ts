// `aielab export <model> <file.onnx>`: a saved nn model (a folder with model.json, as nn.save and
// run.logModel write it) or a registered one (models:/name@alias) as ONNX, checked like onnx.export.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load } from '../sdk/nn/checkpoint';
import { exportModel } from '../sdk/onnx/export';
import { track } from '../sdk/track';
import { UsageError } from './usage';

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { labels: { type: 'string' } } });
  if (positionals.length !== 2)
    throw new UsageError('export takes a model and an .onnx file: aielab export models/spam spam.onnx (or models:/spam@champion)');
  const [source, out] = positionals as [string, string];
  if (!out.toLowerCase().endsWith('.onnx')) throw new UsageError(`the output should be an .onnx file, not ${out}.`);
  const folder = source.startsWith('models:/') ? track.modelPath(source) : source;
  const dir = existsSync(folder) && statSync(folder).isFile() ? join(folder, '..') : folder;
  if (!existsSync(join(dir, 'model.json')))
    throw new UsageError(
      `${source} is not a saved nn model: there is no model.json in ${dir}. Save one with nn.save(model, folder) or run.logModel(model).`,
    );
  const report = await exportModel(await load(dir), out, values.labels ? { labels: values.labels.split(',').map((l) => l.trim()) } : {});
  console.log(
    `Wrote ${out} (${(report.bytes / 1024).toFixed(1)} KB, ${report.nodes} nodes, ${report.parameters} parameters): ${report.signature}.`,
  );
  console.log(
    `Checked with onnxruntime on ${report.sampleRows} rows: outputs within ${report.maxAbsDiff.toExponential(2)} of the model's.`,
  );
  return 0;
}
