import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one private redis-server (each file uses its own key prefix) and run
    // real-time shifts: keep the pool small so a 2-core machine is not starved.
    maxWorkers: 2,
  },
});
