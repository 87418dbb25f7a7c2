// `aielab convert a.ipynb b.aielab` and back.
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseNotebook, serializeNotebook } from '../contracts/notebook/format';
import { fromIpynb, toIpynb } from '../contracts/notebook/ipynb';
import { writeFileAtomic } from '../contracts/notebook/files';
import { UsageError } from './usage';

export function convertCommand(input: string, output: string): number {
  const from = extname(input);
  const to = extname(output);
  if (resolve(input) === resolve(output)) throw new UsageError('convert writes a new file: give an output path different from the input.');
  const text = readFileSync(input, 'utf8');
  if (from === '.ipynb' && to === '.aielab') {
    const { result, warnings } = fromIpynb(text, input);
    warnings.forEach((w) => console.warn(`warning: ${w}`));
    writeFileAtomic(output, serializeNotebook(result));
  } else if (from === '.aielab' && to === '.ipynb') {
    writeFileAtomic(output, toIpynb(parseNotebook(text, input)));
  } else {
    throw new UsageError(
      `convert goes from .ipynb to .aielab or from .aielab to .ipynb, not ${from || 'no extension'} to ${to || 'no extension'}.`,
    );
  }
  console.log(`${input} → ${output}`);
  return 0;
}
