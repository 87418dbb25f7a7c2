// onnx.compare: the same inputs through several .onnx files (fp32 and int8, before and after):
// size on disk, latency per call at batch 1 (median of 200), agreement with the first model and,
// given the true labels, accuracy.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { OnnxSession, type Nested } from './session';

export interface ComparedModel {
  file: string;
  bytes: number;
  /** Median milliseconds of one call on one row. */
  latencyMs: number;
  /** Largest |this − first model| over the outputs. */
  maxAbsDiff: number;
  /** Share of rows whose top class is the label (labels as class indices, or names from the file's metadata). */
  accuracy?: number;
}

export class Comparison {
  constructor(
    readonly models: ComparedModel[],
    readonly rows: number,
  ) {}

  [RICH_VIEW](): Rich {
    return table(
      this.models.map((m) => ({
        model: m.file,
        size: `${(m.bytes / 1024).toFixed(1)} KB`,
        'ms per row (p50)': Number(m.latencyMs.toFixed(3)),
        'max |Δ| vs first': Number(m.maxAbsDiff.toPrecision(3)),
        ...(m.accuracy === undefined ? {} : { accuracy: Number(m.accuracy.toFixed(4)) }),
      })),
      { title: `The same ${this.rows} rows through ${this.models.length} models` },
    );
  }
}

export async function compare(files: readonly string[], x: Nested[], labels?: ReadonlyArray<number | string>): Promise<Comparison> {
  if (!files.length) throw new Error('onnx.compare takes at least one .onnx file.');
  if (labels && labels.length !== x.length)
    throw new Error(`onnx.compare: ${labels.length} labels for ${x.length} rows; give one per row.`);
  const models: ComparedModel[] = [];
  let first: number[] | undefined;
  for (const file of files) {
    const session = await OnnxSession.load(file);
    const output = Object.values(await session.run(x))[0] as number[][];
    const flat = output.flat();
    first ??= flat;
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await session.run([x[i % x.length] as Nested]);
      times.push(performance.now() - start);
    }
    times.sort((p, q) => p - q);
    const names = JSON.parse(session.info.metadata.labels ?? 'null') as string[] | null;
    const predicted = output.map((row) => row.indexOf(Math.max(...row)));
    const accuracy = labels
      ? predicted.filter((p, i) => (typeof labels[i] === 'number' ? p === labels[i] : names?.[p] === labels[i])).length / labels.length
      : undefined;
    models.push({
      file,
      bytes: statSync(resolve(file)).size,
      latencyMs: times[100] as number,
      maxAbsDiff: flat.reduce((m, v, i) => Math.max(m, Math.abs(v - (first![i] as number))), 0),
      ...(accuracy === undefined ? {} : { accuracy }),
    });
  }
  return new Comparison(models, x.length);
}
