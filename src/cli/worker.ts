import type { Verb } from './io.js';
import { serve } from './serve.js';

/** `rota worker`: run workers until SIGTERM/SIGINT. */
export const run: Verb = (args, io) => serve(args, io, { worker: true, scheduler: false });
