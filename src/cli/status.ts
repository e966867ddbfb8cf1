import { type JobView, readStatus, rosterZone } from '../queue/admin.js';
import { printable } from '../text/printable.js';
import { table } from '../text/table.js';
import { ZoneClock } from '../time/zone-clock.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';
import { failureRow, inZone, nextRow, relative } from './show.js';

/** `rota status [--json]`: counts by state, paused or not, the stored plan, next actions, recent failures. */
export const run: Verb = async (args, io) => {
  const { values } = parseFlags(args, { json: { type: 'boolean', default: false } }, false);
  return withRuntime(io, async (runtime) => {
    const now = io.now();
    const status = await readStatus(runtime.queue, runtime.store, now);
    const clock = new ZoneClock(await rosterZone(runtime.store));
    const at = (ms: number) => inZone(clock, ms);
    const action = (job: JobView) => nextRow(job, clock, now);
    const failure = (job: JobView) => failureRow(job, clock, now);
    const { paused, plan, rosterError } = status;
    if (values.json) {
      printJson(io, {
        zone: clock.name,
        counts: status.counts,
        paused: paused
          ? { reason: paused.reason, ...(paused.at ? { since: at(paused.at), sinceMs: paused.at } : {}) }
          : null,
        plan: plan
          ? { revision: plan.revision, syncedAt: at(plan.syncedAt), syncedAtMs: plan.syncedAt }
          : null,
        rosterError: rosterError
          ? {
              count: rosterError.count,
              first: rosterError.first,
              at: at(rosterError.at),
              atMs: rosterError.at,
            }
          : null,
        loggedIn: status.loggedIn,
        next: status.next.map(action),
        failures: status.failures.map(failure),
      });
      return 0;
    }
    if (rosterError) {
      const running = plan
        ? `running on the last good plan (revision ${plan.revision})`
        : 'no roster has been applied yet, so nothing is scheduled';
      const more = rosterError.count - rosterError.first.length;
      io.stdout(
        `ROSTER ERROR since ${at(rosterError.at)}: ${rosterError.count} error(s); ${running}.\n` +
          rosterError.first.map((line) => `  ${printable(line)}\n`).join('') +
          (more > 0 ? `  … and ${more} more (rota check shows them all)\n` : '') +
          '\n',
      );
    }
    io.stdout(
      paused
        ? `PAUSED${paused.at ? ` since ${at(paused.at)} (${relative(paused.at, now)})` : ''}` +
            `${paused.reason ? `: ${printable(paused.reason)}` : ''}; no API calls until rota resume\n`
        : 'running: not paused\n',
    );
    io.stdout(
      plan
        ? `plan: revision ${plan.revision}, synced ${at(plan.syncedAt)} (${relative(plan.syncedAt, now)})\n`
        : 'plan: none stored yet; run rota sync or rota run\n',
    );
    const counts = Object.entries(status.counts).map(([state, count]) => `${state} ${count}`);
    io.stdout(`jobs: ${counts.join(', ')}\nlogged in by rota: ${status.loggedIn} agent(s)\n`);
    io.stdout(`\nnext actions (${clock.name})\n`);
    io.stdout(
      status.next.length === 0
        ? 'none\n'
        : table(
            ['runs', 'scheduled', 'action', 'agent', 'job'],
            status.next
              .map(action)
              .map((row) => [
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
            status.failures
              .map(failure)
              .map((row) => [row.failedAt, row.agentId, row.id, printable(row.reason)]),
          ),
    );
    return 0;
  });
};
