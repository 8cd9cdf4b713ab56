// The unit tests that exercise the pure core Stryker mutates (stryker.config.mjs): only these run
// for each mutant, so a mutation run stays minutes, not hours. The lab is never part of it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'mutate',
    include: [
      'test/inventory/load.test.ts',
      'test/inventory/rules.test.ts',
      'test/inventory/client-networks.test.ts',
      'test/inventory/security-groups.test.ts',
      'test/inventory/load.property.test.ts',
      'test/inventory/examples.test.ts',
      'test/injection/schema-refusal.test.ts',
      'test/remote/router/ruleset.test.ts',
      'test/remote/remote.test.ts',
      'test/review/stack-diff.test.ts',
      'test/review/formats.test.ts',
      'test/remote/juju/juju-status.test.ts',
      'test/remote/juju/shared-reads.test.ts',
      'test/remote/juju/juju-client.test.ts',
    ],
    // Instrumented code on a loaded machine runs several times slower than in `npm test`.
    testTimeout: 120_000,
  },
});
