import { printable } from '../text/printable.js';
import { table } from '../text/table.js';
import { statusDocument } from '../views/documents.js';
import { relative } from '../views/show.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';

/** `rota status [--json]`: counts by state, paused or not, the stored plan, next actions, recent failures. */
export const run: Verb = async (args, io) => {
  const { values } = parseFlags(args, { json: { type: 'boolean', default: false } }, false);
  return withRuntime(io, async (runtime) => {
    const now = io.now();
    const status = await statusDocument(runtime.queue, runtime.store, now);
    if (values.json) {
      printJson(io, status);
      return 0;
    }
    const { paused, plan, rosterError } = status;
    if (rosterError) {
      const running = plan
        ? `running on the last good plan (revision ${plan.revision})`
        : 'no roster has been applied yet, so nothing is scheduled';
      const more = rosterError.count - rosterError.first.length;
      io.stdout(
        `ROSTER ERROR since ${rosterError.at}: ${rosterError.count} error(s); ${running}.\n` +
          rosterError.first.map((line) => `  ${printable(line)}\n`).join('') +
          (more > 0 ? `  … and ${more} more (rota check shows them all)\n` : '') +
          '\n',
      );
    }
    io.stdout(
      paused
        ? `PAUSED${paused.sinceMs ? ` since ${paused.since} (${relative(paused.sinceMs, now)})` : ''}` +
            `${paused.reason ? `: ${printable(paused.reason)}` : ''}; no API calls until rota resume\n`
        : 'running: not paused\n',
    );
    io.stdout(
      plan
        ? `plan: revision ${plan.revision}, synced ${plan.syncedAt} (${relative(plan.syncedAtMs, now)})\n`
        : 'plan: none stored yet; run rota sync or rota run\n',
    );
    const counts = Object.entries(status.counts).map(([state, count]) => `${state} ${count}`);
    io.stdout(`jobs: ${counts.join(', ')}\nlogged in by rota: ${status.loggedIn} agent(s)\n`);
    io.stdout(`\nnext actions (${status.zone})\n`);
    io.stdout(
      status.next.length === 0
        ? 'none\n'
        : table(
            ['runs', 'scheduled', 'action', 'agent', 'job'],
            status.next.map((row) => [
              row.runsAtMs <= now ? 'now' : row.runsAt,
              row.scheduled,
              row.action,
              row.agentId,
              row.id,
            ]),
          ),
    );
    io.stdout('\nrecent failures\n');
    io.stdout(
      status.failures.length === 0
        ? 'none\n'
        : table(
            ['failed at', 'agent', 'job', 'reason'],
            status.failures.map((row) => [row.failedAt, row.agentId, row.id, printable(row.reason)]),
          ),
    );
    return 0;
  });
};
