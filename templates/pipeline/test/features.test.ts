import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitFeatures, labels, transform } from '../src/features';

const config = { target: 'species', numeric: ['mass'], categorical: ['island'] };
const train = [
  { species: 'A', mass: 10, island: 'x' },
  { species: 'B', mass: 20, island: 'y' },
  { species: 'B', mass: 30, island: 'y' },
];

test('features are learned from the training rows: mean, std and median of numbers, the categories seen', () => {
  const spec = fitFeatures(train, config);
  assert.deepEqual(spec.classes, ['A', 'B']);
  assert.deepEqual(spec.numeric, [{ name: 'mass', mean: 20, std: Math.sqrt(200 / 3), median: 20 }]);
  assert.deepEqual(spec.categorical, [{ name: 'island', values: ['unknown', 'x', 'y'] }]);
});

test('a missing number becomes the training median; a missing or unseen category becomes "unknown"', () => {
  const spec = fitFeatures(train, config);
  const [missing, unseen] = transform(spec, [
    { mass: null, island: null },
    { mass: 30, island: 'z' },
  ]);
  assert.deepEqual(missing, [0, 1, 0, 0]);
  assert.equal(unseen?.[0], 10 / Math.sqrt(200 / 3));
  assert.deepEqual(unseen?.slice(1), [1, 0, 0]);
});

test('labels become class codes, and an unknown label is refused by name', () => {
  const spec = fitFeatures(train, config);
  assert.deepEqual(labels(spec, train), [0, 1, 1]);
  assert.throws(() => labels(spec, [{ species: 'C' }]), /label "C" was not seen in training \(classes: A, B\)/);
});
