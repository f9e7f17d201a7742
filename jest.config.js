/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // The notes example is tested like Gatehouse itself (how to test your own module, README).
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/examples/notes/test/**/*.test.ts'],
  // jose v6 is ESM-only; Jest's CJS runtime cannot require(esm) before Node 24.9, so it is transpiled too.
  transform: {
    '/node_modules/jose/.+\\.js$': '<rootDir>/test/support/esm-dependency-transformer.js',
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  resolver: '<rootDir>/test/support/jest-resolver.js',
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  // MikroORM loaded as the app loads it, with storages that turn themselves off (src/db/orm-async-context.ts),
  // whichever module a test file imports first.
  setupFiles: ['reflect-metadata', '<rootDir>/src/db/orm-async-context.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: [
    'default',
    ...(process.env.JEST_JSON
      ? [['<rootDir>/test/support/json-summary-reporter.js', { file: process.env.JEST_JSON }]]
      : []),
  ],
};
