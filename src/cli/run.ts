import type { Verb } from './io.js';
import { serve } from './serve.js';

/** `rota run`: scheduler and worker in one process. */
export const run: Verb = (args, io) => serve(args, io, { worker: true, scheduler: true });
