import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Component tests (dashboards/app/tests) are Preact JSX.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['tests/**/*.test.ts', 'dashboards/app/tests/**/*.test.tsx'],
    // Integration tests start real influxd and broker processes: keep the 2-core machine unsaturated.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report feeds the plain "N passed, N failed" line CI reads (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.test-results.json' }]],
  },
});
