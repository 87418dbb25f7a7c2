import assert from 'node:assert/strict';
import { test } from 'node:test';
import { config } from '../src/config';
import { loadData, splitThreeWays } from '../src/data';

test('one seeded, stratified split into train, validation and test that share no row', () => {
  const labels = [...Array<string>(60).fill('A'), ...Array<string>(40).fill('B')];
  const split = splitThreeWays(labels, { valSize: 0.2, testSize: 0.2, seed: 7 });
  assert.deepEqual(splitThreeWays(labels, { valSize: 0.2, testSize: 0.2, seed: 7 }), split, 'the same seed, the same split');
  const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
  assert.deepEqual(
    all,
    labels.map((_, i) => i),
  );
  const count = (part: number[], label: string) => part.filter((i) => labels[i] === label).length;
  assert.deepEqual([count(split.test, 'A'), count(split.test, 'B')], [12, 8]);
  assert.deepEqual([count(split.validation, 'A'), count(split.validation, 'B')], [12, 8]);
  assert.throws(() => splitThreeWays(labels, { valSize: 0.5, testSize: 0.5, seed: 7 }), /together below 1/);
});

test('the penguins: every class in all three parts, in the sizes config.ts asks for', () => {
  const dataset = loadData(config);
  const rows = dataset.train.length + dataset.validation.length + dataset.test.length;
  assert.ok(Math.abs(dataset.validation.length / rows - config.valSize) < 0.01, `${dataset.validation.length} of ${rows}`);
  assert.ok(Math.abs(dataset.test.length / rows - config.testSize) < 0.01, `${dataset.test.length} of ${rows}`);
  const species = (part: typeof dataset.train) => [...new Set(part.map((row) => row.species))].sort();
  assert.deepEqual(species(dataset.validation), species(dataset.train));
  assert.deepEqual(species(dataset.test), species(dataset.train));
});
