import type { Verb } from './io.js';
import { serve } from './serve.js';

/** `rota scheduler`: sync at start, every ROTA_SYNC_INTERVAL and when the roster changes. */
export const run: Verb = (args, io) => serve(args, io, { worker: false, scheduler: true });
