// JSON parsing that reports where a file is broken (line and column), and key-sorted copies so
// that writing the same data always gives the same bytes.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfComment: 'comments are not allowed',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

export class JsonSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
  }
}

/**
 * Deeper than this, a file is refused before parsing: the parser, and every walk over the value
 * after it, recurse once per level, and a hostile file 100,000 levels deep would overflow the stack.
 * Real notebooks, outputs and manifests stay far below.
 */
export const MAX_JSON_DEPTH = 512;

/** Strict JSON (no comments, no trailing commas); throws JsonSyntaxError at the first problem. */
export function parseJson(text: string): JsonValue {
  checkDepth(text);
  const errors: ParseError[] = [];
  const value = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false }) as JsonValue;
  const first = errors[0];
  if (first) {
    const { line, column } = lineAndColumn(text, first.offset);
    throw new JsonSyntaxError(PROBLEMS[printParseErrorCode(first.error)] ?? 'invalid JSON', line, column);
  }
  return value;
}

/** Counts brackets outside strings without recursing, so any depth costs one pass and no stack. */
function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_JSON_DEPTH) {
        const { line, column } = lineAndColumn(text, i);
        throw new JsonSyntaxError(`nested too deeply (more than ${MAX_JSON_DEPTH} levels of objects and arrays)`, line, column);
      }
    } else if (c === '}' || c === ']') depth--;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/** A deep copy with object keys in sorted order. */
export function sortKeys<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    const sorted: JsonObject = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as JsonObject)[key] as JsonValue);
    return sorted as T;
  }
  return value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
