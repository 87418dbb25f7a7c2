// What a value looks like as an output: the SDK's rich values as built, records and columns as
// tables, everything else as Node's REPL prints it.
import { inspect, type InspectOptions } from 'node:util';
import type { MimeBundle } from '../../contracts/protocol';
import { hasRichView, isRich, RICH_VIEW } from './rich';
import { isTableLike, table } from './table';

const INSPECT: InspectOptions = { depth: 4, colors: false, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 };

export function toMimeBundle(value: unknown): MimeBundle {
  if (isRich(value)) return value.data;
  if (hasRichView(value)) return value[RICH_VIEW]().data;
  if (isTableLike(value)) return table(value).data;
  return { 'text/plain': inspect(value, INSPECT) };
}
