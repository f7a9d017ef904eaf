/** Tests run the TypeScript sources directly; `tsc --noEmit` (in `npm test`) does the type checking. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60_000,
  // Whole compressed waves share one dev server per file; files run side by side on the 2 cores.
  maxWorkers: 2,
  // A test that leaks a handle must not hang CI for its whole budget; leaks are still fixed where found.
  forceExit: true,
};
