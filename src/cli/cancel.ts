import { type JobFilter, PENDING_STATES, parseDate, pickJobs } from '../plan/admin.js';
import { type Attempt, cancelJob, readJobs, rosterZone } from '../queue/admin.js';
import { localDaysWindow } from '../roster/expand-zone.js';
import { withRuntime } from '../runtime.js';
import { parseFlags, UsageError, type Verb } from './io.js';

/** `rota cancel JOB_ID... | --agent ID [--date DATE]`: remove pending jobs. */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, { agent: { type: 'string' }, date: { type: 'string' } });
  if ((values.agent !== undefined) === positionals.length > 0) {
    throw new UsageError('give job IDs, or --agent ID (optionally with --date DATE), not both');
  }
  if (values.date !== undefined && values.agent === undefined)
    throw new UsageError('--date goes with --agent');
  const date = values.date === undefined ? undefined : parseDate(values.date);
  if (values.date !== undefined && date === undefined) {
    throw new UsageError(`--date "${values.date}" is not a date; give one like 2026-12-01 (YYYY-MM-DD)`);
  }
  return withRuntime(io, async (runtime) => {
    let ids = positionals;
    if (values.agent !== undefined) {
      const filter: JobFilter = { agentId: values.agent };
      if (date !== undefined) filter.window = localDaysWindow(await rosterZone(runtime.store), date, 1);
      const jobs = await readJobs(runtime.queue, [...PENDING_STATES, 'active']);
      ids = pickJobs(jobs, filter).map((job) => job.id);
      if (ids.length === 0) {
        io.stdout(`no pending jobs of agent ${values.agent}${date === undefined ? '' : ` on ${date}`}\n`);
        return 0;
      }
    }
    const attempts: Attempt[] = [];
    for (const id of ids) attempts.push(await cancelJob(runtime.queue, runtime.store, id));
    for (const attempt of attempts) {
      if (!attempt.ok) io.stderr(`${attempt.reason}\n`);
      else {
        const kept =
          attempt.job.data.kind === 'roster'
            ? '; a sync keeps it out until the roster changes its session'
            : '';
        io.stdout(`cancelled ${attempt.id} (was ${attempt.job.state})${kept}\n`);
      }
    }
    return attempts.every((attempt) => attempt.ok) ? 0 : 1;
  });
};
