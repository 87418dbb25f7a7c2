// Tokens as scikit-learn's CountVectorizer makes them: lower-cased, words of two or more letters
// or digits (its token_pattern \b\w\w+\b), optionally joined into n-grams ("free money").
export interface TokenizeOptions {
  /** Default true. */
  lowercase?: boolean;
  /** Longest n-gram; 2 adds pairs of neighbouring words. Default 1. */
  ngrams?: number;
  /** Words left out (before n-grams are formed). */
  stopWords?: ReadonlySet<string> | readonly string[];
}

const WORD = /[\p{L}\p{N}_][\p{L}\p{N}_]+/gu;

export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  if (typeof text !== 'string') throw new TypeError(`text.tokenize takes a string; got ${text === null ? 'null' : typeof text}.`);
  const source = options.lowercase === false ? text : text.toLowerCase();
  const stop = options.stopWords instanceof Set ? options.stopWords : new Set(options.stopWords ?? []);
  const words = (source.match(WORD) ?? []).filter((w) => !stop.has(w));
  const n = options.ngrams ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`text.tokenize: ngrams is the longest n-gram, 1 or more; got ${n}.`);
  if (n === 1) return words;
  const tokens = [...words];
  for (let size = 2; size <= n; size++) for (let i = 0; i + size <= words.length; i++) tokens.push(words.slice(i, i + size).join(' '));
  return tokens;
}
