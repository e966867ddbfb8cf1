import { UsageError } from '../errors/index.js';
import { type Attempt, cancelJob, type JobFilter, pickJobs, readJobs } from '../queue/admin.js';
import { UNFINISHED_STATES } from '../queue/queue.js';
import { localDaysWindow } from '../time/zone-clock.js';
import { dateFlag, parseFlags, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';

/** `rota cancel JOB_ID... | --agent ID [--date DATE]`: remove pending jobs. */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, { agent: { type: 'string' }, date: { type: 'string' } });
  if ((values.agent !== undefined) === positionals.length > 0) {
    throw new UsageError('give job IDs, or --agent ID (optionally with --date DATE), not both');
  }
  if (values.date !== undefined && values.agent === undefined)
    throw new UsageError('--date goes with --agent');
  const date = dateFlag('date', values.date);
  return withRuntime(io, async (runtime) => {
    let ids = positionals;
    if (values.agent !== undefined) {
      const filter: JobFilter = { agentId: values.agent };
      if (date !== undefined) filter.window = localDaysWindow(await runtime.store.rosterZone(), date, 1);
      const jobs = pickJobs(await readJobs(runtime.queue, UNFINISHED_STATES), filter);
      // A job already running is not the person's mistake: it is left to finish, and said so.
      for (const job of jobs.filter((j) => j.state === 'active')) {
        io.stdout(`left ${job.id} to finish: it is running now\n`);
      }
      ids = jobs.filter((job) => job.state !== 'active').map((job) => job.id);
      if (jobs.length === 0) {
        io.stdout(`no pending jobs of agent ${values.agent}${date === undefined ? '' : ` on ${date}`}\n`);
        return 0;
      }
    }
    const attempts: Attempt[] = [];
    for (const id of ids)
      attempts.push(await cancelJob(runtime.queue, runtime.store, id, { source: 'cli', at: io.now() }));
    for (const attempt of attempts) {
      if (!attempt.ok) io.stderr(`${attempt.reason}\n`);
      else {
        const kind = attempt.job.data.kind;
        const kept =
          kind === 'roster'
            ? '; a sync keeps it out until the roster changes its session'
            : kind === 'release'
              ? '; a sync keeps it out while the agent stays logged in'
              : '';
        io.stdout(`cancelled ${attempt.id} (was ${attempt.job.state})${kept}\n`);
      }
    }
    return attempts.every((attempt) => attempt.ok) ? 0 : 1;
  });
};
