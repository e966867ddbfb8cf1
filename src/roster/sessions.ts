/**
 * What follows from sessions once they exist: merging one agent's shift instances, finding agents
 * whose sessions hold the same phone at once.
 */
import type { Session } from './types.js';

/** A span of time on shift, epoch ms, `start` inclusive, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** Spans that overlap or touch merged into one, sorted by start. The input is not changed. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  let current: Span | undefined;
  for (const span of sorted) {
    if (current && span.start <= current.end) {
      current.end = Math.max(current.end, span.end);
    } else {
      current = { start: span.start, end: span.end };
      merged.push(current);
    }
  }
  return merged;
}

/** Two agents' sessions that hold one phone at the same time: the first time it happens and how often. */
export interface PhoneClash {
  phone: string;
  /** The two sessions of the first overlap, the earlier-starting one first. */
  first: Session;
  second: Session;
  /** The first overlap itself. */
  from: number;
  to: number;
  /** How many pairs of sessions of these two agents overlap. */
  times: number;
}

/**
 * Every pair of agents sharing a phone whose sessions overlap, once per pair, in the order the first
 * overlaps begin. Sessions that only touch (one ends when the other starts) are a handover, not a clash.
 */
export function findPhoneClashes(sessions: readonly Session[]): PhoneClash[] {
  const byPhone = new Map<string, Session[]>();
  for (const session of sessions) {
    const group = byPhone.get(session.phone);
    if (group) group.push(session);
    else byPhone.set(session.phone, [session]);
  }
  const clashes = new Map<string, PhoneClash>();
  for (const [phone, group] of byPhone) {
    if (group.every((session) => session.agentId === group[0]?.agentId)) continue;
    group.sort((a, b) => a.start - b.start);
    let active: Session[] = [];
    for (const session of group) {
      active = active.filter((other) => other.end > session.start);
      for (const other of active) {
        if (other.agentId === session.agentId) continue;
        const key = [other.agentId, session.agentId].sort().join('\n');
        const known = clashes.get(key);
        if (known) known.times += 1;
        else {
          const to = Math.min(other.end, session.end);
          clashes.set(key, { phone, first: other, second: session, from: session.start, to, times: 1 });
        }
      }
      active.push(session);
    }
  }
  return [...clashes.values()].sort((a, b) => a.from - b.from);
}

/** Agent IDs in a stable, plain order (code-unit order, as `Array.prototype.sort` would). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
