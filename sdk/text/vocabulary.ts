// A vocabulary maps tokens to integer ids for an Embedding layer, as Keras' TextVectorization:
// 0 is padding, 1 is any token not in the vocabulary (OOV), then tokens by frequency (ties in
// alphabetical order) up to maxSize.
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';

export const PAD = 0;
export const OOV = 1;

export interface VocabularyOptions {
  /** Ids in all, padding and OOV included; default 10,000. */
  maxSize?: number;
  /** Tokens seen fewer times are OOV; default 1. */
  minCount?: number;
}

export class Vocabulary {
  readonly tokens: string[] = ['[PAD]', '[UNK]'];
  private readonly ids = new Map<string, number>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly options: VocabularyOptions = {}) {}

  /** Learns the vocabulary from tokenized documents (the training ones only). */
  fit(documents: ReadonlyArray<readonly string[]>): this {
    for (const doc of documents) for (const token of doc) this.counts.set(token, (this.counts.get(token) ?? 0) + 1);
    const maxSize = this.options.maxSize ?? 10_000;
    if (maxSize < 3) throw new RangeError(`Vocabulary: maxSize counts padding and OOV too, so it must be 3 or more; got ${maxSize}.`);
    const kept = [...this.counts]
      .filter(([, c]) => c >= (this.options.minCount ?? 1))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, maxSize - 2);
    for (const [token] of kept) {
      this.ids.set(token, this.tokens.length);
      this.tokens.push(token);
    }
    return this;
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Ids of the tokens; unknown ones are 1 (OOV). */
  encode(tokens: readonly string[]): number[] {
    if (this.tokens.length === 2) throw new Error('Vocabulary: call fit(trainingDocuments) before encode().');
    return tokens.map((t) => this.ids.get(t) ?? OOV);
  }

  decode(ids: readonly number[]): string[] {
    return ids.filter((id) => id !== PAD).map((id) => this.tokens[id] ?? '[UNK]');
  }

  [RICH_VIEW](): Rich {
    return table(
      this.tokens.slice(2, 22).map((token, i) => ({ id: i + 2, token, count: this.counts.get(token) ?? 0 })),
      { title: `${this.size} ids (0 padding, 1 OOV), most frequent first` },
    );
  }
}

export interface PadOptions {
  /** Length of every sequence; default the longest. */
  length?: number;
  /** Where zeros go and where long sequences are cut; Keras' pad_sequences defaults ("pre"). */
  padding?: 'pre' | 'post';
  truncating?: 'pre' | 'post';
}

/** Sequences made one length: cut or filled with 0 (padding), as Keras' pad_sequences. */
export function pad(sequences: ReadonlyArray<readonly number[]>, options: PadOptions = {}): number[][] {
  const length = options.length ?? Math.max(0, ...sequences.map((s) => s.length));
  return sequences.map((s) => {
    const cut = s.length <= length ? [...s] : options.truncating === 'post' ? s.slice(0, length) : s.slice(s.length - length);
    const fill = new Array<number>(length - cut.length).fill(PAD);
    return options.padding === 'post' ? [...cut, ...fill] : [...fill, ...cut];
  });
}
