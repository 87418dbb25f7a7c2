// TF-IDF as scikit-learn's TfidfVectorizer computes it by default: counts of each vocabulary term,
// times idf = ln((1 + n) / (1 + df)) + 1, each row scaled to unit length (L2). The vocabulary is the
// maxFeatures most frequent terms over the training documents (ties alphabetical), sorted.
import { tokenize, type TokenizeOptions } from './tokenize';

export interface TfIdfOptions extends TokenizeOptions {
  /** Keep only the most frequent terms; default all. */
  maxFeatures?: number;
  /** Terms in fewer documents are dropped; default 1. */
  minDf?: number;
}

export class TfIdf {
  /** The terms, in column order. */
  vocabulary: string[] = [];
  /** idf of each column. */
  idf: number[] = [];
  private index = new Map<string, number>();

  constructor(private readonly options: TfIdfOptions = {}) {}

  /** A fitted vectoriser from its saved vocabulary and idf (a model's preprocessing metadata). */
  static restore(vocabulary: readonly string[], idf: readonly number[], options: TokenizeOptions = {}): TfIdf {
    if (vocabulary.length !== idf.length)
      throw new Error(`TfIdf.restore: ${vocabulary.length} terms but ${idf.length} idf values; they must pair up.`);
    const restored = new TfIdf(options);
    restored.vocabulary = [...vocabulary];
    restored.idf = [...idf];
    restored.index = new Map(restored.vocabulary.map((t, i) => [t, i]));
    return restored;
  }

  fit(texts: readonly string[]): this {
    const docs = texts.map((t) => tokenize(t, this.options));
    const df = new Map<string, number>();
    const tf = new Map<string, number>();
    for (const doc of docs) {
      for (const term of doc) tf.set(term, (tf.get(term) ?? 0) + 1);
      for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
    }
    let terms = [...df.keys()].filter((t) => (df.get(t) ?? 0) >= (this.options.minDf ?? 1));
    if (this.options.maxFeatures !== undefined)
      terms = terms.sort((a, b) => (tf.get(b) ?? 0) - (tf.get(a) ?? 0) || (a < b ? -1 : 1)).slice(0, this.options.maxFeatures);
    this.vocabulary = terms.sort();
    this.index = new Map(this.vocabulary.map((t, i) => [t, i]));
    this.idf = this.vocabulary.map((t) => Math.log((1 + docs.length) / (1 + (df.get(t) ?? 0))) + 1);
    return this;
  }

  /** One row per text, one column per vocabulary term. */
  transform(texts: readonly string[]): number[][] {
    if (!this.vocabulary.length) throw new Error('TfIdf: call fit(trainingTexts) before transform().');
    return texts.map((text) => {
      const row = new Array<number>(this.vocabulary.length).fill(0);
      for (const term of tokenize(text, this.options)) {
        const j = this.index.get(term);
        if (j !== undefined) row[j] = (row[j] as number) + 1;
      }
      let norm = 0;
      for (let j = 0; j < row.length; j++) {
        if (row[j]) row[j] = (row[j] as number) * (this.idf[j] as number);
        norm += (row[j] as number) ** 2;
      }
      norm = Math.sqrt(norm);
      return norm ? row.map((v) => v / norm) : row;
    });
  }

  fitTransform(texts: readonly string[]): number[][] {
    return this.fit(texts).transform(texts);
  }
}
