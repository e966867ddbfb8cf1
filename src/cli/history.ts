import { UsageError } from '../errors/index.js';
import { printable } from '../text/printable.js';
import { table } from '../text/table.js';
import { formatDuration, parseDuration } from '../time/grammar.js';
import { historyDocument } from '../views/documents.js';
import { span } from '../views/show.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';

const DEFAULT_SINCE = '24h';

/** `rota history [--agent ID] [--since DUR] [--json]`: every attempt from the history stream, oldest first. */
export const run: Verb = async (args, io) => {
  const { values } = parseFlags(
    args,
    {
      agent: { type: 'string' },
      since: { type: 'string', default: DEFAULT_SINCE },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  const sinceMs = parseDuration(values.since);
  if (sinceMs === undefined) {
    throw new UsageError(`--since "${values.since}" is not a duration; give one like 90s, 15m, 2h or 7d`);
  }
  return withRuntime(io, async (runtime) => {
    const document = await historyDocument(runtime.store, {
      since: io.now() - sinceMs,
      ...(values.agent === undefined ? {} : { agentId: values.agent }),
    });
    if (values.json) {
      printJson(io, document);
      return 0;
    }
    const entries = document.attempts;
    const who = values.agent === undefined ? '' : ` of agent ${values.agent}`;
    io.stdout(
      `${entries.length} attempt(s)${who} in the last ${formatDuration(sinceMs)} (${document.zone})\n`,
    );
    if (entries.length > 0) {
      io.stdout(
        table(
          ['time', 'agent', 'action', 'outcome', 'attempt', 'late', 'API', 'message'],
          entries.map((entry) => [
            entry.time,
            entry.agentId,
            entry.action,
            entry.outcome,
            String(entry.attempt),
            span(entry.lateMs),
            entry.latencyMs === undefined ? '' : span(entry.latencyMs),
            printable(entry.message),
          ]),
        ),
      );
    }
    return 0;
  });
};
