import { createHash } from 'node:crypto';
import type { Roster } from './types.js';

/**
 * Where things stand in the files: layout, not schedule. The included files' names and columns are
 * too: `loadRoster` has added their shifts to the agents, in date order.
 */
const LAYOUT_KEYS = new Set(['file', 'place', 'phonePlace', 'includes']);

/**
 * A short fingerprint of the schedule a roster describes, included files' shifts and all: its content
 * without the files' paths or where each entry is written, so moving a file, reindenting it, adding a
 * comment, or reordering an included file's rows keeps the revision. Jobs record the revision that
 * planned them.
 */
export function rosterRevision(roster: Roster): string {
  const content = JSON.stringify(roster, (key, value) => (LAYOUT_KEYS.has(key) ? undefined : value));
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}
