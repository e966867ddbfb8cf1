import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: the scenarios of RELIABILITY.md, each on servers it starts itself
 * (redis-server, Sentinel, Cluster, the CloudAgent simulator) and the built CLI as child processes.
 * One file at a time: each measures lateness and blind time, which a second file's burst would skew on
 * a 2-core machine. `ROTA_RELIABILITY=fast` runs the shorter subset (see RELIABILITY.md).
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.reliability.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
