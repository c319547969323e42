import { defineConfig } from 'vitest/config';

// Pure unit tests only (src/core), without the PostgreSQL global setup: quick feedback while editing.
export default defineConfig({
  test: {
    include: ['src/core/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
