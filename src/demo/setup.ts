import { DateTime } from 'luxon';
import type { Faults } from '../cloudagent/simulator.js';

/**
 * The embedded default (SPEC section 7): a small roster whose shifts start within the next minute, the
 * simulator's view of the same agents, and the story each agent tells. Pure: built from `now`.
 */

export const DEMO_ZONE = 'Asia/Kolkata';
export const DEMO_ACCOUNT = { userName: 'demo', apiKey: 'demo-api-key' };

export interface DemoAgent {
  id: string;
  phone: string;
  /** Shifts as [start, end] seconds from the demo's base instant. */
  shifts: [number, number][];
  /** What to watch for. */
  story: string;
}

const PHONE = (n: number) => `+9198000000${String(n).padStart(2, '0')}`;

export const DEMO_AGENTS: DemoAgent[] = [
  { id: '1001', phone: PHONE(1), shifts: [[15, 45]], story: 'a plain shift: login, then logout' },
  { id: '1002', phone: PHONE(2), shifts: [[15, 30]], story: 'hands phone …02 over to 1003 at +30 s' },
  {
    id: '1003',
    phone: PHONE(2),
    shifts: [[30, 55]],
    story: 'takes phone …02 over: logout first, then login',
  },
  {
    id: '1004',
    phone: PHONE(4),
    shifts: [
      [20, 32],
      [32, 50],
    ],
    story: 'two back-to-back shifts: one session',
  },
  {
    id: '1005',
    phone: PHONE(5),
    shifts: [[-600, 70]],
    story: 'shift already in progress: logged in at once',
  },
  { id: '1006', phone: PHONE(6), shifts: [[20, 40]], story: 'wrong password: fails at once, not retried' },
  { id: '1007', phone: PHONE(7), shifts: [[15, 80]], story: 'flaky API (HTTP 503s): retried until it works' },
  {
    id: '1008',
    phone: PHONE(8),
    shifts: [[15, 45]],
    story: 'already logged in at CloudAgent: "already" is success',
  },
];

export interface Demo {
  /** Whole second the shift offsets count from. */
  base: number;
  /** When the last demo shift ends. */
  lastEnd: number;
  rosterYaml: string;
  credentialsYaml: string;
  /** What the simulator knows: agent → password. */
  simulatorAgents: Record<string, string>;
  loggedIn: Record<string, string>;
  faults: Faults;
}

export function buildDemo(now: number): Demo {
  const base = Math.ceil(now / 1000) * 1000;
  const at = (s: number) => DateTime.fromMillis(base + s * 1000, { zone: DEMO_ZONE });
  const shiftLine = ([start, end]: [number, number]) =>
    `{ date: ${at(start).toISODate()}, start: "${at(start).toFormat('HH:mm:ss')}", end: "${at(end).toFormat('HH:mm:ss')}" }`;
  const rosterYaml = [
    '# rota demo roster: every shift starts within the next minute (times in Asia/Kolkata).',
    'version: 1',
    `timezone: ${DEMO_ZONE}`,
    'agents:',
    ...DEMO_AGENTS.map(
      (agent) =>
        `  - id: "${agent.id}"  # ${agent.story}\n    phone: "${agent.phone}"\n    shifts:\n` +
        agent.shifts.map((shift) => `      - ${shiftLine(shift)}`).join('\n'),
    ),
    '',
  ].join('\n');
  const simulatorAgents = Object.fromEntries(DEMO_AGENTS.map((a) => [a.id, `demo-password-${a.id}`]));
  const credentials = { ...simulatorAgents, '1006': 'not-the-password' };
  return {
    base,
    lastEnd: base + Math.max(...DEMO_AGENTS.flatMap((a) => a.shifts.map(([, end]) => end))) * 1000,
    rosterYaml,
    credentialsYaml: `agents:\n${Object.entries(credentials)
      .map(([id, password]) => `  "${id}": "${password}"\n`)
      .join('')}`,
    simulatorAgents,
    loggedIn: { '1008': PHONE(8) },
    faults: { seed: 7, agents: { '1007': { serverErrorRate: 0.5 } } },
  };
}
