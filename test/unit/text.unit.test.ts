// `text` against scikit-learn's TfidfVectorizer (test/fixtures/parity/text_reference.py) and
// Keras' conventions for vocabularies and padding.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from '../../sdk';

const reference = JSON.parse(readFileSync(join(__dirname, '../fixtures/parity/text.json'), 'utf8'));
const emails = readFileSync(join(__dirname, '../../labs/data/spam-emails.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .slice(0, reference.documents)
  .map((l) => JSON.parse(l).text as string);

describe(`text.TfIdf matches scikit-learn ${reference.sklearn}'s TfidfVectorizer to 1e-9`, () => {
  for (const c of reference.cases) {
    it(`${c.name}: vocabulary, idf and rows`, () => {
      const tfidf = new text.TfIdf({ ngrams: c.ngrams, minDf: c.minDf }).fit(emails);
      assert.deepEqual(tfidf.vocabulary, c.vocabulary);
      tfidf.idf.forEach((v, j) => assert.ok(Math.abs(v - c.idf[j]) <= 1e-9, `idf of ${c.vocabulary[j]}: ${v} vs ${c.idf[j]}`));
      const rows = tfidf.transform(Object.keys(c.rows).map((r) => emails[Number(r)] as string));
      Object.values(c.rows as Record<string, Record<string, number>>).forEach((expected, i) => {
        const row = rows[i] as number[];
        row.forEach((v, j) =>
          assert.ok(Math.abs(v - (expected[String(j)] ?? 0)) <= 1e-9, `row ${i}, ${c.vocabulary[j]}: ${v} vs ${expected[String(j)] ?? 0}`),
        );
      });
    });
  }
});

describe('text', () => {
  it('tokenizes as CountVectorizer: lower case, words of two characters or more, n-grams after the words', () => {
    assert.deepEqual(text.tokenize("FREE money!!! Click a link: it's 100% real"), ['free', 'money', 'click', 'link', 'it', '100', 'real']);
    assert.deepEqual(text.tokenize('Win big now', { ngrams: 2 }), ['win', 'big', 'now', 'win big', 'big now']);
    assert.deepEqual(text.tokenize('the cat and the hat', { stopWords: ['the', 'and'] }), ['cat', 'hat']);
    assert.throws(() => text.tokenize(undefined as never), /takes a string; got undefined/);
  });

  it('builds a vocabulary with padding 0, OOV 1 and tokens by frequency', () => {
    const vocab = new text.Vocabulary({ maxSize: 4 }).fit([
      ['b', 'a', 'b'],
      ['c', 'a', 'b'],
    ]);
    assert.deepEqual(vocab.tokens, ['[PAD]', '[UNK]', 'b', 'a']);
    assert.deepEqual(vocab.encode(['a', 'c', 'zebra']), [3, 1, 1]);
    assert.deepEqual(vocab.decode([0, 0, 2, 3]), ['b', 'a']);
    assert.throws(() => new text.Vocabulary().encode(['a']), /call fit\(trainingDocuments\) before encode/);
  });

  it('pads and truncates as Keras pad_sequences', () => {
    assert.deepEqual(text.pad([[1, 2, 3], [4]], { length: 2 }), [
      [2, 3],
      [0, 4],
    ]);
    assert.deepEqual(text.pad([[1, 2, 3], [4]], { length: 2, padding: 'post', truncating: 'post' }), [
      [1, 2],
      [4, 0],
    ]);
    assert.deepEqual(text.pad([[1], [2, 3]]), [
      [0, 1],
      [2, 3],
    ]);
  });
});
