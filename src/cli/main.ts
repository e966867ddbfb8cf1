import { UsageError } from '../errors/index.js';
import { quote } from '../text/printable.js';
import { ROTA_VERSION } from '../version.js';
import type { Io, Verb } from './io.js';

/** Each verb lives in its own file and is loaded only when asked for. */
export const verbs: Record<string, () => Promise<{ run: Verb }>> = {
  cancel: () => import('./cancel.js'),
  check: () => import('./check.js'),
  demo: () => import('./demo.js'),
  history: () => import('./history.js'),
  jobs: () => import('./jobs.js'),
  login: () => import('./login.js'),
  logout: () => import('./logout.js'),
  pause: () => import('./pause.js'),
  plan: () => import('./plan.js'),
  report: () => import('./report.js'),
  requeue: () => import('./requeue.js'),
  resume: () => import('./resume.js'),
  run: () => import('./run.js'),
  scheduler: () => import('./scheduler.js'),
  simulator: () => import('./simulator.js'),
  status: () => import('./status.js'),
  sync: () => import('./sync.js'),
  worker: () => import('./worker.js'),
};

/** Each verb's synopsis and what it does: `rota VERB --help` prints one, `rota help` all of them. */
const USAGE: Record<string, [synopsis: string, does: string]> = {
  check: ['check [FILE] [--json]', 'validate a roster; print errors and DST warnings'],
  plan: [
    'plan [FILE] [--from DATE] [--days N] [--agent ID] [--json | --format table|json|ics]',
    'the sessions and the actions a sync would schedule now (or in the given days)',
  ],
  sync: ['sync [FILE] [--dry-run] [--json]', 'reconcile the queue with the roster once'],
  worker: ['worker', 'run workers until SIGTERM/SIGINT'],
  scheduler: ['scheduler', 'sync at start, on an interval and when the roster changes'],
  run: ['run', 'scheduler and worker in one process'],
  status: ['status [--json]', 'counts by state, paused or not, the plan, next actions, failures'],
  jobs: [
    'jobs [--state S] [--agent ID] [--json]',
    'list jobs (S: delayed, waiting, prioritized, active, completed, failed)',
  ],
  history: [
    'history [--agent ID] [--since DUR] [--json]',
    'what was called, when, with which outcome (default since 24h)',
  ],
  report: [
    'report [--from DATE] [--to DATE] [--agent ID] [--team NAME] [--format table|csv|json]',
    'adherence: scheduled vs accepted login/logout, lateness, verdict (default yesterday)',
  ],
  requeue: ['requeue JOB_ID... | --failed [--agent ID]', 'run failed (or finished) jobs again now'],
  login: [
    'login ID [--phone NUMBER] [--at TIME]',
    'log an agent in by hand, now or at TIME (--phone: one not on the roster, or on another phone)',
  ],
  logout: ['logout ID [--phone NUMBER] [--at TIME]', 'log an agent out by hand, now or at TIME'],
  cancel: [
    'cancel JOB_ID... | --agent ID [--date DATE]',
    'remove pending jobs; roster ones stay out until their session changes',
  ],
  pause: ['pause [--reason TEXT]', 'stop calling the API (jobs wait, nothing is lost)'],
  resume: ['resume', 'start calling the API again'],
  simulator: ['simulator [--port N] [--host H] [--agents FILE]', 'run the CloudAgent simulator alone'],
  demo: ['demo', 'the whole system on one machine with no setup'],
};

const GRAMMAR = `TIME is 2026-12-01T09:00:00+05:30 (ISO 8601 with an offset) or HH:MM[:SS] today in the roster zone;
DATE is YYYY-MM-DD in the roster zone; DUR is like 90s, 15m, 2h, 7d.
See README.md for the roster format and configuration.
`;

function verbUsage(verb: string): string {
  const [synopsis, does] = USAGE[verb] ?? [verb, ''];
  return `usage: rota ${synopsis}\n\n${does}\n\n${GRAMMAR}`;
}

const usage = `rota ${ROTA_VERSION} — starts and ends contact-centre agents' shifts by itself

usage: rota <command> [options]   (rota <command> --help for one command)

${Object.values(USAGE)
  .map(([synopsis, does]) =>
    synopsis.length < 34 ? `  ${synopsis.padEnd(34)}${does}\n` : `  ${synopsis}\n  ${''.padEnd(34)}${does}\n`,
  )
  .join('')}
${GRAMMAR}`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    // Usage given because something is wrong goes where errors go.
    io.stderr(usage);
    return 2;
  }
  if (verb === 'help' || verb === '--help' || verb === '-h') {
    const [topic] = rest;
    io.stdout(topic !== undefined && USAGE[topic] ? verbUsage(topic) : usage);
    return 0;
  }
  if (verb === '--version' || verb === 'version') {
    io.stdout(`${ROTA_VERSION}\n`);
    return 0;
  }
  const load = verbs[verb];
  if (!load) {
    io.stderr(`rota: unknown command ${quote(verb)}\n\n${usage}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(verbUsage(verb));
    return 0;
  }
  try {
    const { run } = await load();
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`rota ${verb}: ${error.message}\n`);
      return 2;
    }
    io.stderr(`rota ${verb}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
