import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startPrivateRedis } from '../../src/redis/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** One private redis-server for the whole run; every test file works under its own key prefix. */
export default async function setup(project: TestProject) {
  const redis = await startPrivateRedis();
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
  };
}
