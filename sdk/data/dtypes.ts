// Column types by the names a pandas user knows (float64, int64, bool, category), mapped to and
// from polars' types. Text is "string" (pandas says object).
import { polars, type PlSeries } from './polars';

export type DType =
  | 'float64'
  | 'float32'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint64'
  | 'uint32'
  | 'uint16'
  | 'uint8'
  | 'bool'
  | 'string'
  | 'category'
  | 'date'
  | 'datetime'
  | 'null';

const NAMES: Record<string, DType> = {
  Float64: 'float64',
  Float32: 'float32',
  Int64: 'int64',
  Int32: 'int32',
  Int16: 'int16',
  Int8: 'int8',
  UInt64: 'uint64',
  UInt32: 'uint32',
  UInt16: 'uint16',
  UInt8: 'uint8',
  Bool: 'bool',
  Utf8: 'string',
  String: 'string',
  Categorical: 'category',
  Date: 'date',
  Datetime: 'datetime',
  Null: 'null',
};

export function dtypeOf(series: PlSeries): DType | string {
  const variant = (series.dtype as unknown as { variant: string }).variant;
  return NAMES[variant] ?? variant.toLowerCase();
}

export function isNumeric(series: PlSeries): boolean {
  return /^(u?int|float)/.test(dtypeOf(series));
}

export function polarsType(dtype: DType) {
  const pl = polars();
  const types: Partial<Record<DType, unknown>> = {
    float64: pl.Float64,
    float32: pl.Float32,
    int64: pl.Int64,
    int32: pl.Int32,
    int16: pl.Int16,
    int8: pl.Int8,
    uint64: pl.UInt64,
    uint32: pl.UInt32,
    uint16: pl.UInt16,
    uint8: pl.UInt8,
    bool: pl.Bool,
    string: pl.String,
    category: pl.Categorical,
    date: pl.Date,
  };
  const type = types[dtype];
  if (!type) throw new TypeError(`astype: unknown type "${dtype}". Use one of ${Object.keys(types).join(', ')}.`);
  return type as typeof pl.Float64;
}
