import { resumeActions } from '../queue/admin.js';
import { parseFlags, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';

/** `rota resume`: workers take jobs again, due ones first. */
export const run: Verb = async (args, io) => {
  parseFlags(args, {}, false);
  return withRuntime(io, async (runtime) => {
    const wasPaused = await resumeActions(runtime.queue, runtime.store, { source: 'cli', at: io.now() });
    io.stdout(wasPaused ? 'resumed: workers take jobs again\n' : 'was not paused; nothing to do\n');
    return 0;
  });
};
