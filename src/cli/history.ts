import { UsageError } from '../errors/index.js';
import { rosterZone } from '../queue/admin.js';
import { printable } from '../text/printable.js';
import { table } from '../text/table.js';
import { formatDuration, parseDuration } from '../time/grammar.js';
import { ZoneClock } from '../time/zone-clock.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';
import { inZone, span } from './show.js';

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
    const clock = new ZoneClock(await rosterZone(runtime.store));
    const since = io.now() - sinceMs;
    const entries = await runtime.store.history({
      since,
      ...(values.agent === undefined ? {} : { agentId: values.agent }),
    });
    if (values.json) {
      printJson(io, {
        zone: clock.name,
        since: inZone(clock, since),
        sinceMs: since,
        attempts: entries.map((entry) => ({ ...entry, time: inZone(clock, entry.startedAt) })),
      });
      return 0;
    }
    const who = values.agent === undefined ? '' : ` of agent ${values.agent}`;
    io.stdout(`${entries.length} attempt(s)${who} in the last ${formatDuration(sinceMs)} (${clock.name})\n`);
    if (entries.length > 0) {
      io.stdout(
        table(
          ['time', 'agent', 'action', 'outcome', 'attempt', 'late', 'API', 'message'],
          entries.map((entry) => [
            inZone(clock, entry.startedAt),
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
