// Labels and score arrays as the metrics take them, checked the way scikit-learn checks them:
// one prediction per row, classes sorted (numbers by value, text by code point).
export type Label = string | number | boolean;

export function checkPair(name: string, yTrue: readonly unknown[], yPred: readonly unknown[], predName = 'yPred'): void {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred)) throw new TypeError(`metrics.${name}() takes arrays: yTrue and ${predName}.`);
  if (yTrue.length !== yPred.length) {
    throw new RangeError(
      `metrics.${name}(): yTrue has ${yTrue.length} values and ${predName} ${yPred.length}; they must be the same length (one prediction per row).`,
    );
  }
  if (!yTrue.length) throw new RangeError(`metrics.${name}(): yTrue is empty; there is nothing to score.`);
}

/** The classes present in the arrays, sorted as numpy's unique() sorts them. */
export function sortedLabels(...arrays: ReadonlyArray<readonly Label[]>): Label[] {
  const seen = new Set<Label>();
  for (const array of arrays) for (const value of array) seen.add(value);
  const labels = [...seen];
  const kinds = new Set(labels.map((l) => typeof l));
  if (kinds.size > 1)
    throw new TypeError(
      `metrics: labels mix ${[...kinds].join(' and ')} values (${labels
        .slice(0, 6)
        .map((l) => JSON.stringify(l))
        .join(', ')}); convert them to one type first.`,
    );
  return labels.sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  );
}

export function checkScores(name: string, scores: readonly unknown[]): asserts scores is readonly number[] {
  const bad = scores.findIndex((s) => typeof s !== 'number' || !Number.isFinite(s));
  if (bad >= 0) throw new TypeError(`metrics.${name}(): scores must be finite numbers; item ${bad} is ${JSON.stringify(scores[bad])}.`);
}

/** yTrue as 0/1 for the positive class; without `posLabel` the labels must be 0/1 or -1/1 (scikit-learn's rule). */
export function binaryTargets(name: string, yTrue: readonly Label[], posLabel: Label | undefined): number[] {
  const labels = sortedLabels(yTrue);
  if (labels.length > 2)
    throw new RangeError(
      `metrics.${name}() is for two classes and yTrue has ${labels.length} (${labels.join(', ')}); score one class against the rest (yTrue.map((y) => y === 'setosa')) or use rocAuc with a score per class.`,
    );
  let positive = posLabel;
  if (positive === undefined) {
    const ok = labels.every((l) => l === 0 || l === 1 || l === -1 || l === true || l === false);
    if (!ok)
      throw new RangeError(
        `metrics.${name}(): which class is positive? Pass { posLabel: ${JSON.stringify(labels[labels.length - 1])} } (the labels are ${labels.map((l) => JSON.stringify(l)).join(', ')}).`,
      );
    positive = labels.includes(true) ? true : 1;
  }
  return yTrue.map((y) => (y === positive ? 1 : 0));
}
