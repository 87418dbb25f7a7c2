// `text`: turning documents into numbers: tokens and n-grams, a vocabulary with OOV and padding
// for embeddings, and TF-IDF as scikit-learn computes it.
import { TfIdf } from './tfidf';
import { tokenize } from './tokenize';
import { pad, Vocabulary } from './vocabulary';

export const text = { tokenize, Vocabulary, pad, TfIdf };

export type { TfIdfOptions } from './tfidf';
export type { TokenizeOptions } from './tokenize';
export type { PadOptions, VocabularyOptions } from './vocabulary';
export { Vocabulary, TfIdf };
