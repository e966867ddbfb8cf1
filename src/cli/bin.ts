import { main } from './main.js';

const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => controller.abort(signal));
}
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  shutdown: controller.signal,
  now: Date.now,
});

/**
 * The verb has finished and closed what it opened, so the process ends once nothing is pending. Should a
 * library keep a handle open past that (a Redis Cluster client after a failover can keep a reconnect
 * timer), the process still ends, saying what held it: an operator's SIGTERM must end rota.
 */
const EXIT_GRACE_MS = 5000;
setTimeout(() => {
  const held = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
  process.stderr.write(
    `rota: stopped, but ${held.join(', ') || 'something'} kept the process open; exiting\n`,
  );
  process.exit();
}, EXIT_GRACE_MS).unref();
