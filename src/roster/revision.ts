import { createHash } from 'node:crypto';
import type { Roster } from './types.js';

/** Where things stand in the file: layout, not schedule. */
const LAYOUT_KEYS = new Set(['file', 'place', 'phonePlace']);

/**
 * A short fingerprint of the schedule a roster describes: its content without the file's path or where
 * each entry is written, so moving the file, reindenting it or adding a comment keeps the revision.
 * Jobs record the revision that planned them.
 */
export function rosterRevision(roster: Roster): string {
  const content = JSON.stringify(roster, (key, value) => (LAYOUT_KEYS.has(key) ? undefined : value));
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}
