/**
 * Two projects:
 * - `unit`: the synthesis tests, run in plain Node.js by jest-light-runner
 *   (test/support/unit-runner.mjs). A worker loads cdk8s, cdk8s-plus-28 and the library once;
 *   Jest's own runner evaluated them again for each of the ~45 files, which was about two thirds
 *   of the suite's time. These tests spawn nothing, and the light runner has no per-test timeout.
 * - `real`: the tests that run PostgreSQL, Patroni, etcd, pgbouncer, s3rver, promtool, bash or
 *   the CLI (`*.real.test.ts`), on Jest's isolated runner with its per-test timeout.
 * tsx (unit) and @swc/jest (real) only strip types; `npm test` runs `tsc --noEmit` first.
 */
const common = {
  roots: ['<rootDir>/test'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  // The platform repositories of test/platform/fixtures are projects of their own (their
  // main.test.ts runs there, with their dependencies): test/platform/*.real.test.ts runs them.
  modulePathIgnorePatterns: ['<rootDir>/test/platform/fixtures/'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      runner: '<rootDir>/test/support/unit-runner.mjs',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.real\\.test\\.ts$', '/test/platform/fixtures/'],
    },
    {
      ...common,
      displayName: 'real',
      testEnvironment: 'node',
      testMatch: ['**/*.real.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/platform/fixtures/'],
      transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
    },
  ],
};
