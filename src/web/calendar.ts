import type { FastifyInstance } from 'fastify';
import { agentIdProblem } from '../agent-id.js';
import { sessionsCalendar } from '../views/calendar.js';
import type { ConsoleDeps } from './server.js';

/**
 * `GET /api/agents/ID.ics`: the agent's sessions in the stored plan (what the last good sync planned)
 * as an iCalendar file, the same as `rota plan --agent ID --format ics`, for a calendar to subscribe to.
 * An agent with no session in the plan gets an empty calendar; before any sync there is no plan (404).
 */
export function registerCalendar(app: FastifyInstance, deps: ConsoleDeps): void {
  const now = deps.now ?? Date.now;
  app.get<{ Params: { id: string } }>('/api/agents/:id.ics', async (request, reply) => {
    const { id } = request.params;
    const problem = agentIdProblem(id);
    if (problem !== undefined) return reply.code(400).send({ error: `agent ID: ${problem}` });
    if (!(await deps.store.planMeta())) {
      return reply.code(404).send({ error: 'no plan yet: the scheduler has not applied a roster' });
    }
    const sessions = await deps.store.agentSessions(id);
    const file = `rota-${id.replace(/[^\w.-]/g, '_')}.ics`;
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `inline; filename="${file}"`)
      .send(sessionsCalendar(id, sessions, now()));
  });
}
