import { runDemo } from '../demo/run.js';
import { parseFlags, type Verb } from './io.js';

/** `rota demo`: the whole system on one machine with no setup (SPEC section 7). */
export const run: Verb = async (args, io) => {
  parseFlags(args, {}, false);
  return runDemo(io);
};
