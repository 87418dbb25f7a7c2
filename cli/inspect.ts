// `aielab inspect <file.onnx> [--diff other.onnx] [--json]`: a model's weights and classifier head
// (or how two models differ), as tables, or as JSON for the Weight Inspector panel.
import { parseArgs } from 'node:util';
import { RICH_VIEW, type Rich } from '../sdk/display/rich';
import { diffFiles, DiffView, inspectFile, InspectionView } from '../sdk/onnx/inspect';
import { UsageError } from './usage';

export function inspectCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, diff: { type: 'string' } },
  });
  if (positionals.length !== 1)
    throw new UsageError('inspect takes one .onnx file: aielab inspect model.onnx [--diff other.onnx] [--json]');
  const file = positionals[0] as string;
  const inspection = inspectFile(file);
  const diff = values.diff ? diffFiles(file, values.diff) : undefined;
  if (values.json) {
    console.log(JSON.stringify({ inspection, ...(diff ? { diff } : {}) }));
    return 0;
  }
  const view = new InspectionView(inspection);
  const print = (rich: Rich) => console.log(`${rich.data['text/plain']}\n`);
  print(view[RICH_VIEW]());
  print(view.head());
  if (diff) print(new DiffView(diff)[RICH_VIEW]());
  return 0;
}
