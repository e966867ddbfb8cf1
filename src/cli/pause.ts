import { pauseActions } from '../queue/admin.js';
import { ZoneClock } from '../time/zone-clock.js';
import { inZone } from '../views/show.js';
import { parseFlags, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';

/** `rota pause [--reason TEXT]`: workers stop taking jobs; due jobs wait, nothing is lost. */
export const run: Verb = async (args, io) => {
  const { values } = parseFlags(args, { reason: { type: 'string', default: '' } }, false);
  return withRuntime(io, async (runtime) => {
    const already = await pauseActions(runtime.queue, runtime.store, values.reason, io.now(), 'cli');
    if (already) {
      const since = inZone(new ZoneClock(await runtime.store.rosterZone()), already.at);
      io.stdout(`already paused since ${since}${already.reason ? `: ${already.reason}` : ''}\n`);
    } else {
      io.stdout('paused: no API calls until rota resume; due jobs wait and nothing is lost\n');
    }
    return 0;
  });
};
