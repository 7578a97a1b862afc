import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native Temporal worker threads and vitest's thread pool do not mix: one process per file.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more parallel files only adds contention with the dev server.
    maxWorkers: 2,
    reporters: ['default'],
    // The product's JSON logs (src/observability/logger.ts) stay quiet unless asked; tests that read them set their own logger.
    env: { TIMR_SYNC_LOG_LEVEL: process.env.TIMR_SYNC_LOG_LEVEL ?? 'error' },
  },
});
