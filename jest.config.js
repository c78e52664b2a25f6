// Jest runs TypeScript through SWC (type-checking is `npm run typecheck`, part of `npm test`).
// A few dependencies ship ESM only (jose, @middy/core, otplib's plugins); SWC turns them into CommonJS for Jest.
const esmOnly = [
  'jose',
  '@middy',
  'aws-local-stepfunctions',
  'otplib',
  '@otplib',
  '@scure',
  '@noble',
  '@medplum',
  'fast-check',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj|cj)sx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  setupFiles: ['<rootDir>/test/setup/polyfills.ts'],
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
