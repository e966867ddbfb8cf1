import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../cloudagent/simulator.js';
import { createLogger } from '../log.js';
import { UNFINISHED_STATES } from '../queue/queue.js';
import { freePort, startPrivateRedis } from '../redis/server.js';
import { openRuntime } from '../runtime.js';
import { startService } from '../service.js';
import { table } from '../text/table.js';
import { formatDuration } from '../time/grammar.js';
import { formatAttempt, summarize } from './report.js';
import { buildDemo, DEMO_ACCOUNT, DEMO_AGENTS, DEMO_ZONE } from './setup.js';

/**
 * `rota demo`: a private redis-server, the CloudAgent simulator, a roster whose shifts start within the
 * next minute, and rota's own scheduler and worker, all in this process. Prints each attempt as it
 * happens and a summary once the demo shifts are over, then cleans up after itself.
 */

const POLL_MS = 250;
/** After the last shift ends, give stragglers (retries) this long before stopping anyway. */
const GRACE_MS = 60_000;

/** What the demo needs of its process: somewhere to print, and the signal to stop early. */
export interface DemoIo {
  stdout(text: string): void;
  shutdown: AbortSignal;
}

export async function runDemo(io: DemoIo): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'rota-demo-'));
  const demo = buildDemo(Date.now());
  const redis = await startPrivateRedis();
  const sim = await startSimulator({
    account: DEMO_ACCOUNT,
    agents: demo.simulatorAgents,
    loggedIn: demo.loggedIn,
    faults: demo.faults,
  });
  const logFile = join(dir, 'rota.log');
  const logStream = createWriteStream(logFile);
  try {
    await writeFile(join(dir, 'roster.yaml'), demo.rosterYaml);
    await writeFile(join(dir, 'credentials.yaml'), demo.credentialsYaml);
    const env: NodeJS.ProcessEnv = {
      REDIS_URL: redis.url,
      ROTA_PREFIX: 'rota-demo',
      ROTA_ROSTER: 'roster.yaml',
      ROTA_CREDENTIALS: 'credentials.yaml',
      CLOUDAGENT_BASE_URL: sim.url,
      CLOUDAGENT_USERNAME: DEMO_ACCOUNT.userName,
      CLOUDAGENT_API_KEY: DEMO_ACCOUNT.apiKey,
      ROTA_API_TIMEOUT: '3s',
      ROTA_HTTP_PORT: String(await freePort()),
    };
    const runtime = await openRuntime(env, dir, { log: createLogger('info', logStream) });
    const service = await startService(runtime, { worker: true, scheduler: true });
    const seconds = (ms: number) => `${Math.round((ms - Date.now()) / 1000)} s`;
    io.stdout(
      'rota demo: the whole system on this machine, nothing to configure\n' +
        `  Redis                 ${redis.url} (a private redis-server, stopped at the end)\n` +
        `  CloudAgent simulator  ${sim.url}\n` +
        `  roster                ${join(dir, 'roster.yaml')}\n` +
        `  log (JSON lines)      ${logFile}\n` +
        `  console               ${service.http?.url ?? ''}/ (open it while the demo runs)\n\n` +
        `The demo shifts start in ${seconds(demo.base + 15_000)} and are over in ${seconds(demo.lastEnd)}:\n` +
        table(
          ['agent', 'shifts (from now)', 'what to watch'],
          DEMO_AGENTS.map((agent) => [
            agent.id,
            agent.shifts
              .map(([s, e]) => `${s < 0 ? `-${formatDuration(-s * 1000)}` : `+${s}s`} to +${e}s`)
              .join(', '),
            agent.story,
          ]),
        ) +
        `\nWhat happens (times in ${DEMO_ZONE}; late = after the scheduled instant):\n`,
    );

    let printed = 0;
    const printNew = async () => {
      const entries = await runtime.store.history();
      for (const entry of entries.slice(printed)) io.stdout(formatAttempt(entry, DEMO_ZONE));
      printed = entries.length;
      return entries;
    };
    const pending = async () => {
      const counts = await runtime.queue.getJobCounts(...UNFINISHED_STATES);
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    };
    let entries = await printNew();
    while (!io.shutdown.aborted && Date.now() < demo.lastEnd + GRACE_MS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      entries = await printNew();
      if (Date.now() > demo.lastEnd + 1000 && (await pending()) === 0) break;
    }
    if (io.shutdown.aborted) io.stdout('\nrota demo: stopped early (signal)\n');
    await service.stop();
    entries = await printNew();
    await runtime.close();
    io.stdout(summarize(entries, DEMO_AGENTS, Object.keys(sim.state()).sort()));
    io.stdout(`\nThe roster and rota's JSON log stay in ${dir}\n`);
    return 0;
  } finally {
    await sim.close();
    await redis.stop();
    await new Promise((resolve) => logStream.end(resolve));
  }
}
