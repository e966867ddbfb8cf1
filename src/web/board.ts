import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { ActionQueue } from '../queue/queue.js';

/** Where bull-board is mounted. */
const BOARD_PATH = '/queues';

/**
 * bull-board at `/queues`, read-only, for engineers who know BullMQ: the raw queue, every job and its
 * data (never a secret: jobs carry none). Its page loads its scripts and styles from rota itself; it
 * sets inline styles, so its policy allows those (and nothing from elsewhere).
 */
export function registerBoard(app: FastifyInstance, queue: ActionQueue): void {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: true })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'rota queues' } },
  });
  app.register(
    async (scope) => {
      scope.addHook('onSend', async (_request, reply, payload) => {
        reply.header(
          'content-security-policy',
          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
            "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
        );
        return payload;
      });
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: BOARD_PATH },
  );
}
