// CART decision trees (Gini impurity, best split, thresholds halfway between distinct values),
// the way scikit-learn grows them; a random forest uses them with a random subset of features
// at each split. Like scikit-learn, features are compared as float32: ONNX runs trees in float32,
// and a float64 threshold a hair below a value (6.1/2 + 6.3/2 = 6.199999999999999) would send
// that value the other way there.
import type { Label, Matrix } from './data';
import { Classifier } from './model';
import { seeded, shuffled, type Random } from './random';

export interface TreeOptions {
  maxDepth?: number;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  /** Features tried at each split; all by default. */
  maxFeatures?: number;
  seed?: number;
}

interface Node {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  /** Class proportions of the training rows that reached this node. */
  value: number[];
}

export class DecisionTreeClassifier extends Classifier {
  nodes: Node[] = [];

  constructor(readonly options: TreeOptions = {}) {
    super();
  }

  protected train(X: Matrix, codes: readonly number[]): void {
    this.grow(
      X,
      codes,
      X.map((_, i) => i),
      seeded(this.options.seed ?? 0),
      this.classes,
    );
  }

  /** Grows the tree on the rows in `rows` (a forest passes a bootstrap sample, repeats included). */
  grow(X: Matrix, codes: readonly number[], rows: readonly number[], random: Random, classes: Label[]): void {
    this.classes = classes;
    this.features = (X[0] as readonly number[]).length;
    this.nodes = [];
    const k = this.classes.length;
    const minSplit = Math.max(2, this.options.minSamplesSplit ?? 2);
    const minLeaf = Math.max(1, this.options.minSamplesLeaf ?? 1);
    const maxDepth = this.options.maxDepth ?? Infinity;
    const allFeatures = Array.from({ length: this.features }, (_, j) => j);
    const maxFeatures = Math.min(this.features, this.options.maxFeatures ?? this.features);

    // Each feature's rows are sorted once; a split partitions those orders, keeping them sorted,
    // so no node sorts again (positions index the sample, whose rows may repeat).
    const m = rows.length;
    const y = Int32Array.from(rows, (r) => codes[r] as number);
    const columns = allFeatures.map((j) => Float32Array.from(rows, (r) => X[r]![j] as number));
    const goesLeft = new Uint8Array(m);
    const presorted = columns.map((column) => {
      const order = Int32Array.from({ length: m }, (_, p) => p);
      return order.sort((a, b) => (column[a] as number) - (column[b] as number) || a - b);
    });

    const build = (orders: Int32Array[], depth: number): number => {
      const n = (orders[0] as Int32Array).length;
      const counts = new Array<number>(k).fill(0);
      for (const p of orders[0] as Int32Array) counts[y[p] as number]! += 1;
      const id = this.nodes.length;
      this.nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: counts.map((c) => c / n) });
      const pure = counts.some((c) => c === n);
      if (pure || n < minSplit || depth >= maxDepth) return id;

      let best: { score: number; feature: number; threshold: number; cut: number } | undefined;
      let tried = 0;
      const totalSq = counts.reduce((s, c) => s + c * c, 0);
      for (const feature of shuffled(allFeatures, random)) {
        if (tried >= maxFeatures) break;
        const order = orders[feature] as Int32Array;
        const column = columns[feature] as Float32Array;
        tried++;
        if (column[order[0] as number] === column[order[n - 1] as number]) continue;
        const left = new Array<number>(k).fill(0);
        const right = [...counts];
        let leftSq = 0;
        let rightSq = totalSq;
        for (let p = 1; p < n; p++) {
          const code = y[order[p - 1] as number] as number;
          leftSq += 2 * (left[code] as number) + 1;
          rightSq -= 2 * (right[code] as number) - 1;
          left[code]! += 1;
          right[code]! -= 1;
          const a = column[order[p - 1] as number] as number;
          const b = column[order[p] as number] as number;
          if (a === b || p < minLeaf || n - p < minLeaf) continue;
          // Lower weighted Gini impurity ⇔ a larger sum of squared counts over each side's size.
          const score = leftSq / p + rightSq / (n - p);
          if (!best || score > best.score) {
            let threshold = Math.fround(a / 2 + b / 2);
            if (threshold >= b) threshold = a;
            best = { score, feature, threshold, cut: p };
          }
        }
      }
      if (!best) return id;
      const chosen = orders[best.feature] as Int32Array;
      for (let p = 0; p < n; p++) goesLeft[chosen[p] as number] = p < best.cut ? 1 : 0;
      const lefts: Int32Array[] = [];
      const rights: Int32Array[] = [];
      for (const order of orders) {
        const l = new Int32Array(best.cut);
        const r = new Int32Array(n - best.cut);
        let li = 0;
        let ri = 0;
        for (const p of order) {
          if (goesLeft[p]) l[li++] = p;
          else r[ri++] = p;
        }
        lefts.push(l);
        rights.push(r);
      }
      const node = this.nodes[id] as Node;
      node.feature = best.feature;
      node.threshold = best.threshold;
      node.left = build(lefts, depth + 1);
      node.right = build(rights, depth + 1);
      return id;
    };
    build(presorted, 0);
  }

  protected probabilities(X: Matrix): number[][] {
    return X.map((row) => {
      let node = this.nodes[0] as Node;
      while (node.feature >= 0)
        node = this.nodes[Math.fround(row[node.feature] as number) <= node.threshold ? node.left : node.right] as Node;
      return [...node.value];
    });
  }
}

export class RandomForestClassifier extends Classifier {
  trees: DecisionTreeClassifier[] = [];

  constructor(readonly options: { trees?: number; maxDepth?: number; maxFeatures?: number; minSamplesLeaf?: number; seed?: number } = {}) {
    super();
  }

  protected train(X: Matrix, codes: readonly number[]): void {
    const random = seeded(this.options.seed ?? 0);
    const n = X.length;
    const maxFeatures = this.options.maxFeatures ?? Math.max(1, Math.floor(Math.sqrt(this.features)));
    this.trees = Array.from({ length: this.options.trees ?? 100 }, () => {
      const tree = new DecisionTreeClassifier({
        maxFeatures,
        ...(this.options.maxDepth === undefined ? {} : { maxDepth: this.options.maxDepth }),
        ...(this.options.minSamplesLeaf === undefined ? {} : { minSamplesLeaf: this.options.minSamplesLeaf }),
      });
      const bootstrap = Array.from({ length: n }, () => Math.floor(random() * n));
      tree.grow(X, codes, bootstrap, random, this.classes);
      return tree;
    });
  }

  protected probabilities(X: Matrix): number[][] {
    const sums = X.map(() => new Array<number>(this.classes.length).fill(0));
    for (const tree of this.trees) {
      tree.predictProba(X).forEach((p, i) => p.forEach((v, k) => (sums[i]![k]! += v / this.trees.length)));
    }
    return sums;
  }
}
