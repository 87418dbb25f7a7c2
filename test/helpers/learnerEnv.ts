/**
 * The environment of a learner's terminal: none of the npm_* variables of the `npm test` running
 * the tests (an npm started with them would act on this repository), and no tracking URI.
 */
export function learnerEnv(): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))), MLFLOW_TRACKING_URI: '' };
}
