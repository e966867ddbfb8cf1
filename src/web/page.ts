import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ROTA_ROOT } from '../version.js';

/**
 * The console page: static files from `web/` in the project (HTML, one script, one stylesheet), read
 * once at start and served by rota itself — no CDN, no external font, no inline script. Its policy lets
 * it load only its own files and call its own API.
 */

const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/timeline.css': { file: 'timeline.css', type: 'text/css; charset=utf-8' },
  // The script's modules: elements, times in the roster zone, what to draw, the timeline, the panels.
  '/dom.js': { file: 'dom.js', type: 'text/javascript; charset=utf-8' },
  '/time.js': { file: 'time.js', type: 'text/javascript; charset=utf-8' },
  '/model.js': { file: 'model.js', type: 'text/javascript; charset=utf-8' },
  '/timeline.js': { file: 'timeline.js', type: 'text/javascript; charset=utf-8' },
  '/panels.js': { file: 'panels.js', type: 'text/javascript; charset=utf-8' },
};

const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function registerPage(app: FastifyInstance): void {
  for (const [route, { file, type }] of Object.entries(PAGE_FILES)) {
    const body = readFileSync(join(ROTA_ROOT, 'web', file));
    app.get(route, async (_request, reply) =>
      reply
        .type(type)
        .header('content-security-policy', PAGE_POLICY)
        .header('cache-control', 'no-cache')
        .send(body),
    );
  }
}
