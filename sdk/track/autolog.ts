// What the SDK's training functions write into the run that is active while they train
// (MLflow's autolog): their settings as params, their results as metrics.
import type { Run } from './run';

/** A run that already has one of these params with another value (a second fit) keeps the first; the new value goes in a tag. */
export function autologParams(run: Run, params: object): void {
  for (const [key, value] of Object.entries(params)) {
    try {
      run.logParam(key, value);
    } catch {
      run.setTag(`aielab.autolog.${key}`, String(value));
    }
  }
}
