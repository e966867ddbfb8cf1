import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AgentId, Session } from '../../src/roster/types.js';
import { registerApi } from '../../src/web/api.js';
import { queuePerTest } from '../helpers/queue.js';

/** `GET /api/agents/ID.ics`: the stored plan's sessions of one agent as iCalendar, on a real store. */

const queues = queuePerTest();
const NOW = Date.parse('2026-12-01T04:30:00Z');

const session = (agentId: string, start: string, end: string, team?: string): Session => ({
  agentId: agentId as AgentId,
  phone: '+919800000001',
  zone: 'Asia/Kolkata',
  start: Date.parse(start),
  end: Date.parse(end),
  ...(team ? { team } : {}),
});

async function app() {
  const { queue, store } = queues.open();
  const fastify = Fastify();
  registerApi(fastify, { queue, store, horizonMs: 7 * 86_400_000, now: () => NOW });
  return { fastify, store };
}

describe('GET /api/agents/ID.ics', () => {
  it('serves the agent’s stored sessions with UIDs stable across syncs, like rota plan --format ics', async () => {
    const { fastify, store } = await app();
    const plan = [
      session('1001', '2026-12-01T03:30:00Z', '2026-12-01T12:30:00Z', 'day'),
      session('1002', '2026-12-01T03:30:00Z', '2026-12-01T12:30:00Z'),
      session('1001', '2026-12-02T03:30:00Z', '2026-12-02T12:30:00Z', 'day'),
    ];
    const meta = {
      revision: 'r1',
      file: 'roster.yaml',
      zone: 'Asia/Kolkata',
      syncedAt: NOW,
      from: NOW,
      to: NOW + 1,
    };
    await store.writePlan(plan, meta);
    const first = await fastify.inject({ method: 'GET', url: '/api/agents/1001.ics' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(first.headers['content-disposition']).toBe('inline; filename="rota-1001.ics"');
    const lines = first.body.split('\r\n');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.filter((line) => /^(UID|DTSTART|DTEND|SUMMARY):/.test(line))).toEqual([
      'UID:login-1001-20261201T033000Z@rota',
      'DTSTART:20261201T033000Z',
      'DTEND:20261201T123000Z',
      'SUMMARY:On shift (team day)',
      'UID:login-1001-20261202T033000Z@rota',
      'DTSTART:20261202T033000Z',
      'DTEND:20261202T123000Z',
      'SUMMARY:On shift (team day)',
    ]);

    // A later sync that keeps the first session and drops the second: same UID for the one kept.
    await store.writePlan(plan.slice(0, 1), { ...meta, revision: 'r2' });
    const second = await fastify.inject({ method: 'GET', url: '/api/agents/1001.ics?refresh=1' });
    expect(second.body.split('\r\n').filter((line) => line.startsWith('UID:'))).toEqual([
      'UID:login-1001-20261201T033000Z@rota',
    ]);
    await fastify.close();
  });

  it('serves an empty calendar for an agent with no session, 404 before any plan, 400 for a bad ID', async () => {
    const { fastify, store } = await app();
    const none = await fastify.inject({ method: 'GET', url: '/api/agents/1001.ics' });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({ error: 'no plan yet: the scheduler has not applied a roster' });
    await store.writePlan([], {
      revision: 'r',
      file: 'r.yaml',
      zone: 'Asia/Kolkata',
      syncedAt: NOW,
      from: NOW,
      to: NOW,
    });
    const empty = await fastify.inject({ method: 'GET', url: '/api/agents/4242.ics' });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).not.toContain('BEGIN:VEVENT');
    const bad = await fastify.inject({ method: 'GET', url: '/api/agents/a%3Ab.ics' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/^agent ID: "a:b" contains ":"/);
    await fastify.close();
  });
});
