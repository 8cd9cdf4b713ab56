// Mutation testing of the pure core (`npm run mutate`): each module below is changed in small ways
// (an operator flipped, a condition dropped, a string emptied) and the unit tests that cover it are
// run against every change; a change no test notices is a bug the suite would let through.
// Unit tests only (vitest.mutate.config.ts): the lab is not mutated. Scores per module are kept in
// BENCHMARKS.md ("Mutation testing"); the report is written to reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: [
    'src/inventory/rules.ts',
    'src/inventory/schema.ts',
    'src/remote/router/ruleset.ts',
    // The hosts block's pure transform (renderHostsBlock, replaceHostsBlock); the step's check and
    // apply, which run against real hosts in the lab, are excluded by a `Stryker disable` comment.
    'src/bootstrap/steps/hosts.ts',
    'src/review/stack-diff.ts',
    'src/review/warnings.ts',
    'src/terraform/security-rules.ts',
    'src/inventory/client-networks.ts',
    'src/inventory/security-group-rules.ts',
    'src/inventory/security-group-checks.ts',
    'src/remote/juju/status.ts',
    'src/remote/quoting.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: schema.ts's zod definitions and regexes, constant tables)
  // cannot be traced to tests, so each would rerun every test file: ~750 of them, hours on this
  // machine. They are left out of the score; `npm run mutate -- --ignoreStatic false` counts them.
  ignoreStatic: true,
  // 2 cores shared with others: one test process at a time.
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
