import { UsageError } from '../errors/index.js';
import { type Attempt, pickJobs, readJobs, requeueJob } from '../queue/admin.js';
import { parseFlags, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';

/** `rota requeue JOB_ID... | --failed [--agent ID]`: run failed (or finished) jobs again now. */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, {
    failed: { type: 'boolean', default: false },
    agent: { type: 'string' },
  });
  if (values.failed === positionals.length > 0) {
    throw new UsageError('give job IDs, or --failed (optionally with --agent ID), not both');
  }
  if (values.agent !== undefined && !values.failed) throw new UsageError('--agent goes with --failed');
  return withRuntime(io, async (runtime) => {
    const ids = values.failed
      ? pickJobs(
          await readJobs(runtime.queue, ['failed']),
          values.agent === undefined ? {} : { agentId: values.agent },
        ).map((job) => job.id)
      : positionals;
    if (ids.length === 0) {
      io.stdout(`no failed jobs${values.agent === undefined ? '' : ` of agent ${values.agent}`}\n`);
      return 0;
    }
    const attempts: Attempt[] = [];
    for (const id of ids) attempts.push(await requeueJob(runtime.queue, runtime.store, id, io.now(), 'cli'));
    for (const attempt of attempts) {
      if (!attempt.ok) io.stderr(`${attempt.reason}\n`);
      else {
        io.stdout(`requeued ${attempt.id} (was ${attempt.job.state}); it runs now\n`);
        if (attempt.note) io.stdout(`  note: the worker will skip it by the current plan: ${attempt.note}\n`);
      }
    }
    return attempts.every((attempt) => attempt.ok) ? 0 : 1;
  });
};
