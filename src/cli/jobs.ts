import { UsageError } from '../errors/index.js';
import { isListedState, JOB_STATES } from '../queue/queue.js';
import { printable } from '../text/printable.js';
import { table } from '../text/table.js';
import { jobsDocument } from '../views/documents.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';

/** `rota jobs [--state S] [--agent ID] [--json]`: the jobs in the queue, by scheduled instant. */
export const run: Verb = async (args, io) => {
  const { values } = parseFlags(
    args,
    { state: { type: 'string' }, agent: { type: 'string' }, json: { type: 'boolean', default: false } },
    false,
  );
  const { state } = values;
  if (state !== undefined && !isListedState(state)) {
    throw new UsageError(`--state "${state}" is not a job state; use one of ${JOB_STATES.join(', ')}`);
  }
  return withRuntime(io, async (runtime) => {
    const document = await jobsDocument(runtime.queue, runtime.store, {
      ...(state === undefined ? {} : { state }),
      ...(values.agent === undefined ? {} : { agentId: values.agent }),
    });
    if (values.json) {
      printJson(io, document);
      return 0;
    }
    const rows = document.jobs;
    if (rows.length === 0) {
      io.stdout('no jobs\n');
      return 0;
    }
    io.stdout(
      table(
        [
          'job',
          'action',
          'agent',
          `scheduled (${document.zone})`,
          'scheduled (UTC)',
          'state',
          'attempts',
          'outcome',
        ],
        rows.map((row) => [
          row.id,
          row.action,
          row.agentId,
          row.scheduled,
          row.scheduledUtc,
          row.state,
          String(row.attempts),
          printable(row.result),
        ]),
      ),
    );
    return 0;
  });
};
