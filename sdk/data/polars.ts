// nodejs-polars does the columnar work behind `data`. It loads on first use: its native library is
// large, and a notebook that never touches `data` should not pay for it when the kernel starts.
import type * as Polars from 'nodejs-polars';

export type PL = typeof Polars;
export type { DataFrame as PlFrame, Expr, Series as PlSeries } from 'nodejs-polars';

let loaded: PL | undefined;

export function polars(): PL {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('nodejs-polars') as PL;
  } catch (error) {
    throw new Error(
      `data needs nodejs-polars and its native package for ${process.platform}-${process.arch}, which did not load (${(error as Error).message.split('\n')[0]}). Reinstall the extension, or run npm install in your project (it needs nodejs-polars-${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : ''}).`,
      { cause: error },
    );
  }
  return loaded;
}
