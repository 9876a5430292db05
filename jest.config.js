/** Jest: TypeScript via ts-jest (transpile only; `npm run typecheck` does the type check).
 *  ESM-only packages (jose, http-proxy-middleware, …) load untransformed through Node 24's
 *  require(esm), which jest uses when Node runs with --experimental-vm-modules (the npm
 *  scripts start jest that way). One embedded PostgreSQL serves all test files; each file
 *  gets its own database (see test/global-setup.ts). */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/services',
    '<rootDir>/charts',
    '<rootDir>/test',
    '<rootDir>/scripts',
    '<rootDir>/tooling',
    '<rootDir>/openapi',
  ],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          allowJs: true,
          isolatedModules: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          customConditions: null,
        },
        diagnostics: false,
      },
    ],
  },
  // The packages' public entries, from source (as the `typescript` export condition does for tsx).
  moduleNameMapper: {
    '^@myhotel/(common|auth|hotel)$': '<rootDir>/services/$1/src/index.ts',
    '^@myhotel/client$': '<rootDir>/openapi/client/src/index.ts',
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/record-statuses.ts'],
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
