import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RedisClient } from '../../src/redis/connection.js';
import { waitForReplica } from '../../src/redis/replication.js';

/**
 * The wait after a sync for a replica's acknowledgement, without Sentinel: the replicated case is played
 * by a fake answering INFO and WAIT as a master with one replica does (the reliability suite runs it
 * against real ones).
 */

/** A client that answers INFO replication with `info` and WAIT with `acked`, noting each WAIT's arguments. */
function fakeMaster(info: string, acked: number | Error) {
  const waits: string[][] = [];
  const client = {
    info: async () => info,
    call: async (...args: string[]) => {
      waits.push(args);
      if (acked instanceof Error) throw acked;
      return acked;
    },
  };
  return { client: client as unknown as RedisClient, waits };
}

describe('waitForReplica', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('has nothing to wait for on a master without replicas (the test redis-server)', async () => {
    expect(await waitForReplica(redis)).toBeUndefined();
  });

  it('has nothing to wait for on Redis Cluster, without a command sent', async () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    try {
      expect(await waitForReplica(cluster)).toBeUndefined();
    } finally {
      cluster.disconnect();
    }
  });

  it('waits for one replica, bounded by the timeout, on a master with replicas', async () => {
    const { client, waits } = fakeMaster('# Replication\r\nrole:master\r\nconnected_slaves:2\r\n', 1);
    expect(await waitForReplica(client, 250)).toBe(1);
    expect(waits).toEqual([['WAIT', '1', '250']]);
  });

  it('sends no WAIT to a replica, and gives up quietly when Redis forbids WAIT', async () => {
    const replica = fakeMaster('role:slave\r\nconnected_slaves:0\r\n', 1);
    expect(await waitForReplica(replica.client)).toBeUndefined();
    expect(replica.waits).toEqual([]);
    const managed = fakeMaster('role:master\r\nconnected_slaves:1\r\n', new Error('ERR unknown command'));
    expect(await waitForReplica(managed.client)).toBeUndefined();
  });
});
