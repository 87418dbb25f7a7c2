// The YAML MLflow's file store writes for meta.yaml: PyYAML's dump with default_flow_style=False and
// allow_unicode=True (mlflow.utils.file_utils.write_yaml): block style, keys sorted, each string in
// the style PyYAML's emitter picks (plain, 'single' or "double" quoted) and folded at 80 columns as
// it folds, so a run name with a newline or a quote reads back as written, here and in MLflow. Only
// the flat mappings of scalars that meta.yaml holds are written and read.
export type MetaValue = string | number | null | readonly never[];

const BEST_WIDTH = 80;
/** The continuation lines of a mapping's value are indented by PyYAML's best_indent. */
const INDENT = '  ';
const BREAKS = '\n\x85\u2028\u2029';
const SPACE_OR_BREAK = `\0 \t\r${BREAKS}`;

/** What PyYAML's resolver reads a plain scalar as, when not a string (resolver.py's implicit resolvers). */
const RESOLVES_AS_OTHER = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<|~|null|Null|NULL|=)$/,
  /^(?:[0-9]{4}-[0-9][0-9]-[0-9][0-9]|[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
];

/** A character PyYAML writes as it is with allow_unicode (analyze_scalar's printable test). */
function printable(ch: string): boolean {
  const c = ch.codePointAt(0) as number;
  return (
    ch === '\n' ||
    (c >= 0x20 && c <= 0x7e) ||
    (c !== 0xfeff && (c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c < 0x10ffff)))
  );
}

type Style = 'plain' | 'single' | 'double';

/** PyYAML's analyze_scalar and choose_scalar_style, for a string value of a block mapping. */
function styleOf(chars: readonly string[]): Style {
  const text = chars.join('');
  if (!chars.length || RESOLVES_AS_OTHER.some((r) => r.test(text))) return 'single';
  let flowIndicators = false;
  let blockIndicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let [leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak] = [false, false, false, false, false, false];
  let previousSpace = false;
  let previousBreak = false;
  chars.forEach((ch, i) => {
    const followedByWhitespace = i + 1 >= chars.length || SPACE_OR_BREAK.includes(chars[i + 1] as string);
    const precededByWhitespace = i === 0 || SPACE_OR_BREAK.includes(chars[i - 1] as string);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:'.includes(ch) && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    // NEL and the Unicode line and paragraph separators PyYAML would write as raw line breaks, which
    // a reader splitting lines at \n alone would misread: escaped in double quotes instead.
    if (!printable(ch) || '\x85\u2028\u2029'.includes(ch)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      [previousSpace, previousBreak] = [true, false];
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      [previousSpace, previousBreak] = [false, true];
    } else [previousSpace, previousBreak] = [false, false];
  });
  // A block mapping's value is not in a flow context, so flow indicators alone do not stop plain.
  void flowIndicators;
  const plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || special || lineBreaks);
  if (plain && !blockIndicators) return 'plain';
  return breakSpace || spaceBreak || special ? 'double' : 'single';
}

/** Where the emitter is on the current line, as PyYAML's Emitter tracks it. */
class Line {
  out = '';
  column = 0;
  whitespace = false;
  indention = false;

  write(text: string): void {
    this.out += text;
    this.column += [...text].length;
  }

  lineBreak(br = '\n'): void {
    this.out += br;
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }

  /** Emitter.write_indent for a value at indent 2. */
  indent(): void {
    if (!this.indention || this.column > INDENT.length || (this.column === INDENT.length && !this.whitespace)) this.lineBreak();
    if (this.column < INDENT.length) {
      this.whitespace = true;
      this.out += ' '.repeat(INDENT.length - this.column);
      this.column = INDENT.length;
    }
  }
}

function writePlain(line: Line, chars: readonly string[]): void {
  line.write(' ');
  line.whitespace = false;
  line.indention = false;
  let [spaces, start] = [false, 0];
  for (let end = 0; end <= chars.length; end++) {
    const ch = chars[end];
    if (spaces) {
      if (ch !== ' ') {
        if (start + 1 === end && line.column > BEST_WIDTH) {
          line.indent();
          line.whitespace = false;
          line.indention = false;
        } else line.write(chars.slice(start, end).join(''));
        start = end;
      }
    } else if (ch === undefined || ch === ' ') {
      line.write(chars.slice(start, end).join(''));
      start = end;
    }
    if (ch !== undefined) spaces = ch === ' ';
  }
}

function writeSingle(line: Line, chars: readonly string[]): void {
  line.write(" '");
  line.whitespace = true;
  line.indention = false;
  let [spaces, breaks, start] = [false, false, 0];
  for (let end = 0; end <= chars.length; end++) {
    const ch = chars[end];
    if (spaces) {
      if (ch !== ' ') {
        if (start + 1 === end && line.column > BEST_WIDTH && start !== 0 && end !== chars.length) line.indent();
        else line.write(chars.slice(start, end).join(''));
        start = end;
      }
    } else if (breaks) {
      if (ch === undefined || !BREAKS.includes(ch)) {
        if (chars[start] === '\n') line.lineBreak();
        for (const br of chars.slice(start, end)) line.lineBreak(br);
        line.indent();
        start = end;
      }
    } else if ((ch === undefined || ` '${BREAKS}`.includes(ch)) && start < end) {
      line.write(chars.slice(start, end).join(''));
      start = end;
    }
    if (ch === "'") {
      line.write("''");
      start = end + 1;
    }
    if (ch !== undefined) [spaces, breaks] = [ch === ' ', BREAKS.includes(ch)];
  }
  line.write("'");
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function escape(ch: string): string {
  if (ESCAPES[ch] !== undefined) return `\\${ESCAPES[ch]}`;
  const c = ch.codePointAt(0) as number;
  const hex = c.toString(16).toUpperCase();
  return c <= 0xff ? `\\x${hex.padStart(2, '0')}` : c <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

function writeDouble(line: Line, chars: readonly string[]): void {
  line.write(' "');
  line.whitespace = true;
  line.indention = false;
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = chars[end];
    const c = ch === undefined ? 0 : (ch.codePointAt(0) as number);
    if (
      ch === undefined ||
      '"\\\x85\u2028\u2029\ufeff'.includes(ch) ||
      !((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd))
    ) {
      if (start < end) {
        line.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) {
        line.write(escape(ch));
        start = end + 1;
      }
    }
    if (end > 0 && end < chars.length - 1 && (ch === ' ' || start >= end) && line.column + (end - start) > BEST_WIDTH) {
      line.write(`${chars.slice(start, end).join('')}\\`);
      if (start < end) start = end;
      line.indent();
      line.whitespace = false;
      line.indention = false;
      if (chars[start] === ' ') line.write('\\');
    }
  }
  line.write('"');
}

function entry(key: string, value: MetaValue): string {
  const line = new Line();
  line.write(`${key}:`);
  if (value === null) line.write(' null');
  else if (Array.isArray(value)) line.write(' []');
  else if (typeof value === 'number') line.write(` ${value}`);
  else {
    // Code points, as Python counts and escapes them (an emoji is one character, not two).
    const chars = [...(value as string)];
    const write = { plain: writePlain, single: writeSingle, double: writeDouble }[styleOf(chars)];
    write(line, chars);
  }
  return `${line.out}\n`;
}

export function dumpMeta(meta: Readonly<Record<string, MetaValue>>): string {
  return Object.keys(meta)
    .sort()
    .map((key) => entry(key, meta[key] as MetaValue))
    .join('');
}

/** YAML's line folding of a flow scalar's lines: one break is a space, n empty lines are n newlines. */
function fold(lines: readonly string[], joinEscaped: readonly boolean[] = []): string {
  let out = lines[0] as string;
  let empty = 0;
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i] as string;
    if (joinEscaped[i - 1]) {
      out += text;
      continue;
    }
    if (!text && i < lines.length - 1) {
      empty++;
      continue;
    }
    out += (empty ? '\n'.repeat(empty) : ' ') + text;
    empty = 0;
  }
  return out;
}

const UNESCAPES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(ESCAPES).map(([ch, code]) => [code, ch])),
  '\t': '\t',
  ' ': ' ',
  '/': '/',
};

function unescapeDouble(text: string, where: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gsu, (all, code: string) => {
    if (code.length > 1) return String.fromCodePoint(parseInt(code.slice(1), 16));
    const ch = UNESCAPES[code];
    if (ch === undefined) throw new Error(`${where}: "${all}" is not a YAML escape.`);
    return ch;
  });
}

/** The text of a quoted scalar that starts at `rest` (after its quote), and how many more lines it took. */
function quoted(quote: string, rest: string, following: readonly string[], where: string): { value: string; lines: number } {
  const raw: string[] = [rest];
  for (let n = 0; ; n++) {
    const text = raw[n] as string;
    let i = 0;
    for (; i < text.length; i++) {
      if (quote === "'" && text[i] === "'") {
        if (text[i + 1] === "'") i++;
        else break;
      } else if (quote === '"' && text[i] === '\\') i++;
      else if (quote === '"' && text[i] === '"') break;
    }
    if (i < text.length) {
      if (!/^\s*(#.*)?$/.test(text.slice(i + 1))) throw new Error(`${where}: text after the closing ${quote} of a value.`);
      raw[n] = text.slice(0, i);
      break;
    }
    if (n >= following.length) throw new Error(`${where}: a value opened with ${quote} is never closed.`);
    raw.push(following[n] as string);
  }
  // Leading white space of every line but the first and trailing white space of every line but the last are not content.
  const trimmed = raw.map((l, i) => (i > 0 ? l.replace(/^[ \t]+/, '') : l));
  if (quote === "'") {
    const lines = trimmed.map((l, i) => (i < trimmed.length - 1 ? l.replace(/[ \t]+$/, '') : l));
    return { value: fold(lines).replace(/''/g, "'"), lines: raw.length - 1 };
  }
  // In double quotes a line ending in an unescaped backslash goes on without a break (how PyYAML folds long lines).
  const escapedBreak = trimmed.map((l, i) => i < trimmed.length - 1 && /(^|[^\\])(\\\\)*\\$/.test(l));
  const lines = trimmed.map((l, i) =>
    escapedBreak[i] ? l.slice(0, -1) : i < trimmed.length - 1 ? l.replace(/((?:^|[^\\])(?:\\\\)*\\[ \t])?[ \t]*$/, '$1') : l,
  );
  return { value: unescapeDouble(fold(lines, escapedBreak), where), lines: raw.length - 1 };
}

/** Reads what dumpMeta (or MLflow) wrote; a line that is not `key: value` is an error naming it. */
export function loadMeta(text: string, where: string): Record<string, MetaValue> {
  const meta: Record<string, MetaValue> = {};
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    // YAML's white space is spaces and tabs; JavaScript's trim() would also take a value's no-break spaces.
    if (/^[ \t]*$/.test(line)) continue;
    const match = /^([\w.]+):(?:[ \t]+(.*))?$/.exec(line);
    if (!match) throw new Error(`${where}:${i + 1}: "${line}" is not a "key: value" line.`);
    const key = match[1] as string;
    const first = match[2] ?? '';
    if (first.startsWith("'") || first.startsWith('"')) {
      const { value, lines: more } = quoted(first[0] as string, first.slice(1), lines.slice(i + 1), `${where}:${i + 1}`);
      meta[key] = value;
      i += more;
      continue;
    }
    // A long plain value goes on in indented lines.
    const trim = (l: string) => l.replace(/^[ \t]+|[ \t]+$/g, '');
    const parts = [trim(first)];
    while (i + 1 < lines.length && /^[ \t]+[^ \t]/.test(lines[i + 1] as string)) parts.push(trim(lines[++i] as string));
    const raw = fold(parts);
    meta[key] = raw === 'null' || raw === '' || raw === '~' ? null : raw === '[]' ? [] : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  return meta;
}
