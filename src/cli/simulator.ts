import { join, resolve } from 'node:path';
import { startSimulator } from '../cloudagent/simulator.js';
import { formatConfigIssue, readSimulatorConfig } from '../cloudagent/simulator-config.js';
import { UsageError } from '../errors/index.js';
import { ROTA_ROOT } from '../version.js';
import { parseFlags, type Verb } from './io.js';

const DEFAULT_PORT = 8088;
const DEFAULT_FILE = 'config/simulator.example.yaml';

/** `rota simulator [--port N] [--host H] [--agents FILE]`: the CloudAgent simulator alone (SPEC section 7). */
export const run: Verb = async (args, io) => {
  const { values } = parseFlags(
    args,
    { port: { type: 'string' }, host: { type: 'string' }, agents: { type: 'string' } },
    false,
  );
  const port = parsePort(values.port);
  const file = values.agents ?? DEFAULT_FILE;
  const read = await readSimulatorConfig(
    values.agents === undefined ? join(ROTA_ROOT, DEFAULT_FILE) : resolve(io.cwd, values.agents),
    file,
  );
  if (!read.ok) {
    for (const issue of read.issues) io.stderr(`${formatConfigIssue(issue)}\n`);
    return 1;
  }
  const simulator = await startSimulator({ host: values.host ?? '127.0.0.1', port, ...read.config });
  io.stdout(`listening on ${simulator.url}\n`);
  await new Promise<void>((done) => {
    if (io.shutdown.aborted) done();
    else io.shutdown.addEventListener('abort', () => done(), { once: true });
  });
  await simulator.close();
  return 0;
};

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port <= 65535)) {
    throw new UsageError(
      `--port must be a whole number from 0 to 65535 (0 picks a free port), not "${value}"`,
    );
  }
  return port;
}
