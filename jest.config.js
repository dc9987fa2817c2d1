/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'commonjs', ignoreDynamic: true },
    sourceMaps: 'inline',
  },
];

module.exports = {
  // Node's, and a check that each file leaves nothing running (jest workers must be able to exit).
  testEnvironment: '<rootDir>/test/support/leakCheckingEnvironment.ts',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': swc },
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  testTimeout: 60000,
  // Two cores: two workers keep PostgreSQL busy without starving it.
  maxWorkers: 2,
  // A worker that ran half the suite frees a heap of several hundred MB, page by page,
  // after its 'exit' event: 25 ms with its garbage collected, 375-505 ms with it (measured on
  // this two-core machine under load), past jest's default of 500 ms, which then kills it as
  // "failed to exit gracefully". What a file leaves running fails that file instead
  // (leakCheckingEnvironment), so a longer wait here hides no leak.
  workerGracefulExitTimeout: 3000,
};
