import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.lab.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        // Lab tests share one set of network namespaces per file and attach the test
        // process itself to the lab's public network, so they run one file at a time.
        test: {
          name: 'lab',
          include: ['test/**/*.lab.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
