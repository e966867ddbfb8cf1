import type { AgentId, Session } from '../../src/roster/types.js';

/** A session of agent `agent` in Kolkata from `start` to `end` (epoch ms), its phone made from its ID. */
export function session(agent: string, start: number, end: number, over: Partial<Session> = {}): Session {
  return { agentId: agent as AgentId, phone: `+9198000${agent}`, zone: 'Asia/Kolkata', start, end, ...over };
}
