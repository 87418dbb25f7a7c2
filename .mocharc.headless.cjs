// `npm run test:headless`: every suite that needs no VS Code, two test files at a time, one per
// core of the CI machine (mocha's default is one fewer than the cores: one). The e2e suite drives a
// single code-server, so it runs after this one, alone. Files start in the order below, each on the
// first free worker: the integration files, which start kernels, CLIs and servers and take longest,
// first; the short unit files last, so that the two workers finish close together.
module.exports = {
  ...require('./.mocharc.json'),
  parallel: true,
  jobs: 2,
  spec: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/unit/**/*.test.ts'],
};
