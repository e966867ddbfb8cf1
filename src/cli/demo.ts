import type { Verb } from './io.js';

/** `rota demo`: the whole system on one machine (SPEC section 7). Not built yet: says so honestly. */
export const run: Verb = async (_args, io) => {
  io.stderr('rota demo: not yet available in this version; `rota check` and `rota plan` work today.\n');
  return 1;
};
