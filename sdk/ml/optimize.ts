// L-BFGS with a backtracking (Armijo) line search: the quasi-Newton method scikit-learn's
// logistic regression uses, for smooth convex objectives of a few thousand parameters.
export type Objective = (x: Float64Array) => { value: number; gradient: Float64Array };

export interface Minimum {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

export function lbfgs(
  objective: Objective,
  start: Float64Array,
  options: { maxIterations?: number; tolerance?: number; memory?: number } = {},
): Minimum {
  const maxIterations = options.maxIterations ?? 1000;
  const tolerance = options.tolerance ?? 1e-6;
  const memory = options.memory ?? 10;
  let x = Float64Array.from(start);
  let { value, gradient } = objective(x);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (maxAbs(gradient) < tolerance) return { x, value, iterations: iteration - 1, converged: true };
    const direction = twoLoop(gradient, steps, changes, rhos);
    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      steps.length = changes.length = rhos.length = 0;
      direction.set(gradient.map((g) => -g));
      slope = -dot(gradient, gradient);
    }
    let step = steps.length ? 1 : 1 / Math.max(1, Math.sqrt(dot(gradient, gradient)));
    let next = x;
    let evaluated = { value, gradient };
    for (let tries = 0; tries < 50; tries++) {
      next = x.map((v, i) => v + step * (direction[i] as number));
      evaluated = objective(next);
      if (evaluated.value <= value + 1e-4 * step * slope) break;
      step /= 2;
    }
    const s = next.map((v, i) => v - (x[i] as number));
    const yk = evaluated.gradient.map((g, i) => g - (gradient[i] as number));
    const sy = dot(s, yk);
    if (sy > 1e-12) {
      steps.push(s);
      changes.push(yk);
      rhos.push(1 / sy);
      if (steps.length > memory) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
    }
    const improvement = value - evaluated.value;
    x = next;
    value = evaluated.value;
    gradient = evaluated.gradient;
    if (improvement >= 0 && improvement < 1e-15 * Math.max(1, Math.abs(value))) return { x, value, iterations: iteration, converged: true };
  }
  return { x, value, iterations: maxIterations, converged: maxAbs(gradient) < tolerance };
}

/** −H·g from the remembered steps (the standard two-loop recursion). */
function twoLoop(gradient: Float64Array, steps: Float64Array[], changes: Float64Array[], rhos: number[]): Float64Array {
  const q = Float64Array.from(gradient);
  const alphas: number[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const alpha = (rhos[i] as number) * dot(steps[i] as Float64Array, q);
    alphas[i] = alpha;
    const y = changes[i] as Float64Array;
    for (let j = 0; j < q.length; j++) q[j]! -= alpha * (y[j] as number);
  }
  const last = steps.length - 1;
  const gamma =
    last >= 0
      ? dot(steps[last] as Float64Array, changes[last] as Float64Array) / dot(changes[last] as Float64Array, changes[last] as Float64Array)
      : 1;
  for (let j = 0; j < q.length; j++) q[j]! *= gamma;
  for (let i = 0; i < steps.length; i++) {
    const beta = (rhos[i] as number) * dot(changes[i] as Float64Array, q);
    const s = steps[i] as Float64Array;
    for (let j = 0; j < q.length; j++) q[j]! += s[j]! * ((alphas[i] as number) - beta);
  }
  return q.map((v) => -v);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}
