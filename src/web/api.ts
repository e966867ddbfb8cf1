import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isListedState, JOB_STATES } from '../queue/queue.js';
import { readDate, readDuration, readInstant } from '../time/grammar.js';
import { DAY_MS, localDaysWindow, localToday, ZoneClock } from '../time/zone-clock.js';
import { ROTA_VERSION } from '../version.js';
import { historyDocument, jobsDocument, statusDocument, storedPlanDocument } from '../views/documents.js';
import { registerCalendar } from './calendar.js';
import type { ConsoleDeps } from './server.js';

/**
 * The console's JSON API, in the shapes of the `--json` verbs: `GET /api/status`, `/api/plan?from=&to=`,
 * `/api/jobs?state=&agent=`, `/api/history?agent=&since=`, and `/api/console` (what the page needs to
 * know about this process). Unknown query parameters are ignored; a bad value is a 400 that says why.
 */

/** How often the page asks again. */
const REFRESH_MS = 5000;

const text = z.string().max(200).optional();

/** A point in time for `from`/`to`: a DATE (midnight in the roster zone), a TIME with an offset, or epoch ms. */
function readPoint(value: string, zone: string, now: number): number | string {
  if (/^\d{10,}$/.test(value)) return Number(value);
  const date = readDate(value);
  if (date.ok) return localDaysWindow(zone, date.value, 1).from;
  const instant = readInstant(value, new ZoneClock(zone), now);
  return instant.ok ? instant.value : instant.message;
}

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ error: message });
}

export function registerApi(app: FastifyInstance, deps: ConsoleDeps): void {
  const now = deps.now ?? Date.now;
  const { queue, store } = deps;
  registerCalendar(app, deps);

  app.get('/api/console', async () => ({
    version: ROTA_VERSION,
    zone: await store.rosterZone(),
    actions: deps.adminToken !== undefined,
    refreshMs: REFRESH_MS,
    horizonMs: deps.horizonMs,
  }));

  app.get('/api/status', async () => statusDocument(queue, store, now()));

  app.get('/api/plan', async (request, reply) => {
    const query = z.object({ from: text, to: text }).safeParse(request.query);
    if (!query.success) return badRequest(reply, 'from and to are dates, times or epoch ms');
    const at = now();
    const zone = await store.rosterZone();
    // By default the console's week: from yesterday's midnight to the end of the horizon.
    const from =
      query.data.from === undefined
        ? localDaysWindow(zone, localToday(zone, at - DAY_MS), 1).from
        : readPoint(query.data.from, zone, at);
    const to = query.data.to === undefined ? at + deps.horizonMs : readPoint(query.data.to, zone, at);
    if (typeof from === 'string') return badRequest(reply, `from: ${from}`);
    if (typeof to === 'string') return badRequest(reply, `to: ${to}`);
    if (to <= from) return badRequest(reply, 'to must be after from');
    return storedPlanDocument(store, { from, to, now: at });
  });

  app.get('/api/jobs', async (request, reply) => {
    const query = z.object({ state: text, agent: text }).safeParse(request.query);
    if (!query.success) return badRequest(reply, 'state and agent are short text');
    const { state, agent } = query.data;
    if (state !== undefined && !isListedState(state)) {
      return badRequest(reply, `state "${state}" is not a job state; use one of ${JOB_STATES.join(', ')}`);
    }
    return jobsDocument(queue, store, {
      ...(state === undefined ? {} : { state }),
      ...(agent === undefined ? {} : { agentId: agent }),
    });
  });

  app.get('/api/history', async (request, reply) => {
    const query = z.object({ since: text, agent: text }).safeParse(request.query);
    if (!query.success) return badRequest(reply, 'since is a duration like 24h, agent an agent ID');
    const since = readDuration(query.data.since ?? '24h');
    if (!since.ok) return badRequest(reply, `since: ${since.message}`);
    return historyDocument(store, {
      since: now() - since.value,
      ...(query.data.agent === undefined ? {} : { agentId: query.data.agent }),
    });
  });
}
