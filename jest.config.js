/** Tests run the TypeScript sources directly; `tsc --noEmit` (in `npm test`) does the type checking. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60_000,
  // Files run side by side on the 2 cores. `npm test` runs the whole-wave files (*.e2e.test.ts) in a
  // second pass, one file at a time: their probes measure the machine they share, and two files of
  // waves at once stalled it enough to fail an absolute latency criterion on test and control alike.
  maxWorkers: 2,
  // A test that leaks a handle must not hang CI for its whole budget; leaks are still fixed where found.
  forceExit: true,
};
