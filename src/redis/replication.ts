import { Cluster } from 'ioredis';
import type { RedisClient } from './connection.js';

/**
 * Replication is asynchronous: a master that dies just after a write may take it with it, and the
 * replica Sentinel promotes never had it. After a sync, rota waits (bounded) until a replica has
 * acknowledged the sync's writes, so a sync that returned is on two machines. One INFO and one WAIT: a
 * millisecond on a healthy pair, at most `timeoutMs` when the replica is stuck (the sync then returns
 * anyway; nothing is undone).
 */

/** How long a sync waits for a replica's acknowledgement at most. */
export const REPLICA_WAIT_MS = 1000;

/**
 * Waits until one replica has every write made so far on this connection, or `timeoutMs` passed.
 * Returns how many replicas acknowledged, or undefined when there was nothing to wait for: no
 * replica, not a master, Redis Cluster (each shard replicates on its own), or a Redis that forbids
 * INFO or WAIT (some managed services).
 */
export async function waitForReplica(
  redis: RedisClient,
  timeoutMs = REPLICA_WAIT_MS,
): Promise<number | undefined> {
  if (redis instanceof Cluster) return undefined;
  try {
    const replication = String(await redis.info('replication'));
    const replicas = Number(/^connected_slaves:(\d+)/m.exec(replication)?.[1] ?? 0);
    if (!/^role:master/m.test(replication) || replicas === 0) return undefined;
    return Number(await redis.call('WAIT', '1', String(timeoutMs)));
  } catch {
    return undefined;
  }
}
