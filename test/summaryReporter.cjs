// mocha's spec reporter, plus the closing line CI reads: "N passed, N failed". With
// AIELAB_TEST_SUMMARY set, the counts are also appended to that file so .ci/run can add up
// several mocha runs (the headless suites, then e2e). In parallel mode it runs in mocha's main
// process, whose runner.stats count every worker's tests, failed hooks and files that fail to load.
const { appendFileSync } = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures } = runner.stats;
      console.log(`${passes} passed, ${failures} failed`);
      if (process.env.AIELAB_TEST_SUMMARY) appendFileSync(process.env.AIELAB_TEST_SUMMARY, `${passes} ${failures}\n`);
    });
  }
}

module.exports = SummaryReporter;
