import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { answersPing, freePort } from '../../src/redis/server.js';
import { waitUntil } from '../helpers/rota.js';

/**
 * Private Redis topologies for the reliability suite, all on 127.0.0.1 and each in a temp folder of its
 * own: a redis-server that can be killed and started again on the same port and data (AOF on), a
 * Sentinel group (master, replica, three sentinels) and a Redis Cluster made with `redis-cli --cluster
 * create`. Nothing here is rota's: these are the servers rota runs against.
 */

const run = promisify(execFile);

/** One redis-server (or sentinel) process, restartable on its port with the same files. */
export interface RedisNode {
  port: number;
  /** `redis://127.0.0.1:PORT` */
  url: string;
  dir: string;
  running(): boolean;
  /** Sends `signal` (default SIGKILL) and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the process again with the same arguments (after `kill`), and waits until it answers PING. */
  start(): Promise<void>;
  /** One command on a short-lived connection that does not retry. */
  call(...args: (string | number)[]): Promise<unknown>;
}

/** Whether nothing listens on `port` of 127.0.0.1. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeNodePort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await portFree(port + 10_000))) return port;
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** `waitUntil` for a server: a failing check counts as not yet; throws, naming `what`, after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  if (await waitUntil(() => check().catch(() => false), timeoutMs)) return;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function redisCall(port: number, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const [command, ...rest] = args;
    return await client.call(String(command), ...rest.map(String));
  } finally {
    client.disconnect();
  }
}

export interface NodeOptions {
  /** Extra redis-server arguments (`--appendonly yes` and `noeviction` are the defaults). */
  args?: string[];
  /** Runs `redis-server CONF --sentinel` with this configuration text (`port` and `dir` added). */
  sentinelConf?: string;
  port?: number;
}

export async function startNode(options: NodeOptions = {}): Promise<RedisNode> {
  const dir = await mkdtemp(join(tmpdir(), 'rota-rel-redis-'));
  const port = options.port ?? (await freeNodePort());
  let args: string[];
  if (options.sentinelConf !== undefined) {
    const conf = join(dir, 'sentinel.conf');
    await writeFile(
      conf,
      `port ${port}\nbind 127.0.0.1\ndir ${dir}\nlogfile ${join(dir, 'sentinel.log')}\n${options.sentinelConf}`,
    );
    args = [conf, '--sentinel'];
  } else {
    args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--logfile',
      join(dir, 'redis.log'),
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      ...(options.args ?? []),
    ];
  }
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const node: RedisNode = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async kill(signal = 'SIGKILL') {
      if (node.running()) child?.kill(signal);
      await exited;
    },
    async start() {
      if (node.running()) return;
      const started = spawn('redis-server', args, { stdio: 'ignore' });
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      started.once('error', () => {});
      await until(`redis-server on port ${port}`, async () => {
        if (!node.running()) throw new Error(`redis-server on port ${port} exited; see ${dir}`);
        return answersPing(port);
      });
    },
    call: (...command) => redisCall(port, ...command),
  };
  await node.start();
  cleanups.add(async () => {
    await node.kill();
    await rm(dir, { recursive: true, force: true });
  });
  return node;
}

/** Everything started here, stopped by `stopAllNodes` (a test file's afterAll). */
const cleanups = new Set<() => Promise<void>>();

export async function stopAllNodes(): Promise<void> {
  const all = [...cleanups];
  cleanups.clear();
  await Promise.all(all.map((cleanup) => cleanup().catch(() => {})));
}

/** `INFO section` as a map of its `key:value` lines. */
export async function info(port: number, section: string): Promise<Map<string, string>> {
  const text = String(await redisCall(port, 'INFO', section));
  return new Map(
    text
      .split('\r\n')
      .filter((line) => line.includes(':') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

// ---------------------------------------------------------------------------------------------------
// Sentinel: one master, one replica, three sentinels.

export interface SentinelGroup {
  name: string;
  master: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** `redis-sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3/NAME` */
  url: string;
  /** The port the sentinels name as the master now. */
  masterPort(): Promise<number>;
}

export async function startSentinelGroup(name = 'mymaster'): Promise<SentinelGroup> {
  const master = await startNode();
  const replica = await startNode({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  await until(
    'the replica to sync',
    async () => (await info(replica.port, 'replication')).get('master_link_status') === 'up',
  );
  const conf =
    `sentinel monitor ${name} 127.0.0.1 ${master.port} 2\n` +
    `sentinel down-after-milliseconds ${name} 1000\n` +
    `sentinel failover-timeout ${name} 3000\n` +
    `sentinel parallel-syncs ${name} 1\n`;
  const sentinels = await Promise.all([1, 2, 3].map(() => startNode({ sentinelConf: conf })));
  // A failover needs the sentinels to know the replica and each other (hello messages every 2 s).
  await until('the sentinels to find the replica and each other', async () => {
    for (const sentinel of sentinels) {
      const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', name)) as unknown[];
      const others = (await sentinel.call('SENTINEL', 'SENTINELS', name)) as unknown[];
      if (replicas.length !== 1 || others.length !== 2) return false;
    }
    return true;
  });
  return {
    name,
    master,
    replica,
    sentinels,
    url: `redis-sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${name}`,
    async masterPort() {
      const sentinel = sentinels.find((s) => s.running()) as RedisNode;
      const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[];
      return Number(port);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Cluster: masters and replicas made by `redis-cli --cluster create`.

export interface PrivateCluster {
  nodes: RedisNode[];
  /** Comma-separated seed URLs, for REDIS_URL with REDIS_CLUSTER=true. */
  seeds: string;
  /** The node serving `key`'s slot now (asked of a node that is running). */
  ownerOf(key: string): Promise<RedisNode>;
  /** Resolves when every running node says the cluster is ok and they agree on who serves each slot. */
  healthy(timeoutMs?: number): Promise<void>;
}

/** `CLUSTER SLOTS` of a running node: each slot range with its master's port. */
async function slotMasters(port: number): Promise<{ from: number; to: number; port: number }[]> {
  const slots = (await redisCall(port, 'CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  return slots.map(([from, to, [, masterPort]]) => ({ from, to, port: Number(masterPort) }));
}

export async function startCluster(masters = 3, replicas = 1): Promise<PrivateCluster> {
  const count = masters * (1 + replicas);
  const nodes: RedisNode[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push(
      await startNode({
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '1000',
        ],
      }),
    );
  }
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas',
    String(replicas),
    '--cluster-yes',
  ]);
  const cluster: PrivateCluster = {
    nodes,
    seeds: nodes
      .slice(0, masters)
      .map((n) => n.url)
      .join(','),
    async ownerOf(key) {
      const alive = nodes.find((n) => n.running()) as RedisNode;
      const slot = Number(await alive.call('CLUSTER', 'KEYSLOT', key));
      const range = (await slotMasters(alive.port)).find((r) => r.from <= slot && slot <= r.to);
      const owner = nodes.find((n) => n.port === range?.port);
      if (!owner) throw new Error(`no node serves slot ${slot}`);
      return owner;
    },
    async healthy(timeoutMs = 30_000) {
      await until(
        'the cluster to be ok on every node',
        async () => {
          const views: string[] = [];
          for (const node of nodes.filter((n) => n.running())) {
            const state = String(await node.call('CLUSTER', 'INFO'));
            if (!state.includes('cluster_state:ok') || !state.includes('cluster_slots_ok:16384'))
              return false;
            const masterPorts = (await slotMasters(node.port)).map((r) => `${r.from}-${r.to}@${r.port}`);
            views.push(masterPorts.sort().join(' '));
          }
          const owners = new Set((views[0] ?? '').split(' ').map((r) => r.split('@')[1]));
          // Every slot served by a running node, and every node of one mind.
          return (
            new Set(views).size === 1 &&
            [...owners].every((port) => nodes.some((n) => String(n.port) === port && n.running()))
          );
        },
        timeoutMs,
      );
    },
  };
  await cluster.healthy();
  return cluster;
}
