// The YAML MLflow's file store writes for meta.yaml (PyYAML's safe_dump: block style, keys sorted,
// strings quoted only where YAML would read them as something else). Only the flat mappings of
// scalars that meta.yaml holds are written and read.
export type MetaValue = string | number | null | readonly never[];

/** What a plain scalar cannot be or hold (PyYAML's analysis of a scalar, for the cases meta.yaml meets). */
const RESOLVES_AS_OTHER =
  /^(true|false|yes|no|on|off|y|n|null|~|[-+]?\d+|[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|\d{4}-\d\d?-\d\d?.*)$/i;
const INDICATOR_FIRST = /^[-?:,[\]{}#&*!|>'"%@`]/;

function plain(text: string): boolean {
  return (
    text !== '' &&
    !RESOLVES_AS_OTHER.test(text) &&
    !INDICATOR_FIRST.test(text) &&
    !/^\s|\s$/.test(text) &&
    !/: |:$| #/.test(text) &&
    /^[\x20-\x7e]*$/.test(text)
  );
}

function scalar(value: MetaValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'number') return String(value);
  const text = value as string;
  return plain(text) ? text : `'${text.replace(/'/g, "''")}'`;
}

export function dumpMeta(meta: Readonly<Record<string, MetaValue>>): string {
  return Object.keys(meta)
    .sort()
    .map((key) => `${key}: ${scalar(meta[key] as MetaValue)}\n`)
    .join('');
}

/** Reads what dumpMeta (or MLflow) wrote; a line that is not `key: value` is an error naming it. */
export function loadMeta(text: string, where: string): Record<string, MetaValue> {
  const meta: Record<string, MetaValue> = {};
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const match = /^([\w.]+): ?(.*)$/.exec(line);
    if (!match) throw new Error(`${where}:${i + 1}: "${line}" is not a "key: value" line.`);
    const raw = (match[2] as string).trim();
    meta[match[1] as string] =
      raw === 'null' || raw === ''
        ? null
        : raw === '[]'
          ? []
          : raw.startsWith("'")
            ? raw.slice(1, -1).replace(/''/g, "'")
            : /^-?\d+(\.\d+)?$/.test(raw)
              ? Number(raw)
              : raw;
  });
  return meta;
}
