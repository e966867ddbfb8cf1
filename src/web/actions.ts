import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Action } from '../cloudagent/types.js';
import { manualJob } from '../plan/jobs.js';
import {
  type Actor,
  type Attempt,
  addManualJob,
  cancelJob,
  pauseActions,
  requeueJob,
  resumeActions,
} from '../queue/admin.js';
import type { AdminEntry } from '../store/store.js';
import type { ConsoleDeps } from './server.js';

/**
 * The admin actions a supervisor uses most, from the console: each a POST that needs
 * `Authorization: Bearer $ROTA_ADMIN_TOKEN` (compared in constant time; 401 without it), recorded in the
 * admin history with its source, `web`. Registered only when the token is set: otherwise they are 404s.
 */

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when the request carries the token. Digests make the comparison constant-time whatever the length. */
function authorized(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return given !== '' && timingSafeEqual(digest(given), digest(token));
}

const pauseBody = z.object({ reason: z.string().max(500).optional() }).nullish();
const agentBody = z
  .object({
    phone: z
      .string()
      .regex(/^\+?\d{6,15}$/)
      .optional(),
  })
  .nullish();
const idParam = z.object({ id: z.string().min(1).max(200) });

function answer(reply: FastifyReply, attempt: Attempt) {
  if (attempt.ok)
    return reply.send({ ok: true, id: attempt.id, ...(attempt.note ? { note: attempt.note } : {}) });
  return reply.code(attempt.missing ? 404 : 409).send({ ok: false, error: attempt.reason });
}

export function registerActions(app: FastifyInstance, deps: ConsoleDeps & { adminToken?: string }): void {
  const token = deps.adminToken;
  if (token === undefined) return;
  const now = deps.now ?? Date.now;
  const { queue, store } = deps;
  const by = (): Actor => ({ source: 'web', at: now() });
  /** The store records each action in the admin history; the log says it too. */
  const audit = (entry: Omit<AdminEntry, 'at' | 'source'>) =>
    deps.log?.info({ source: 'web', ...entry }, `console: ${entry.verb}`);

  app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (!authorized(request, token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="rota"')
          .send({ error: 'this action needs Authorization: Bearer <ROTA_ADMIN_TOKEN>' });
      }
    });

    scope.post('/api/jobs/:id/requeue', async (request, reply) => {
      const { id } = idParam.parse(request.params);
      const attempt = await requeueJob(queue, store, id, now(), 'web');
      if (attempt.ok) audit({ verb: 'requeue', jobId: id, agentId: attempt.job.data.agentId });
      return answer(reply, attempt);
    });

    scope.post('/api/jobs/:id/cancel', async (request, reply) => {
      const { id } = idParam.parse(request.params);
      const attempt = await cancelJob(queue, store, id, by());
      if (attempt.ok) audit({ verb: 'cancel', jobId: id, agentId: attempt.job.data.agentId });
      return answer(reply, attempt);
    });

    for (const action of ['login', 'logout'] as const satisfies Action[]) {
      scope.post(`/api/agents/:id/${action}`, async (request, reply) => {
        const { id } = idParam.parse(request.params);
        const body = agentBody.safeParse(request.body);
        if (!body.success)
          return reply.code(400).send({ error: 'phone must be 6 to 15 digits, optionally after a +' });
        // The phone: as given, else the agent's phone in the stored plan.
        const phone = body.data?.phone ?? (await store.agentSessions(id))[0]?.phone;
        if (phone === undefined) {
          return reply
            .code(404)
            .send({ error: `agent ${id} is not in the plan; give its phone to act on it` });
        }
        const at = now();
        const job = manualJob(action, id, phone, at, 'web');
        const added = await addManualJob(queue, store, job, at);
        if (!added.added) return reply.code(409).send({ error: `${job.id} already exists (${added.state})` });
        audit({ verb: action, jobId: job.id, agentId: id });
        return reply.code(202).send({ ok: true, id: job.id });
      });
    }

    scope.post('/api/pause', async (request, reply) => {
      const body = pauseBody.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: 'reason is text of at most 500 characters' });
      const reason = body.data?.reason ?? '';
      const already = await pauseActions(queue, store, reason, now(), 'web');
      if (!already) audit({ verb: 'pause', ...(reason ? { detail: reason } : {}) });
      return reply.send({ ok: true, paused: true, already: already !== undefined });
    });

    scope.post('/api/resume', async (_request, reply) => {
      const wasPaused = await resumeActions(queue, store, by());
      if (wasPaused) audit({ verb: 'resume' });
      return reply.send({ ok: true, paused: false, wasPaused });
    });
  });
}
