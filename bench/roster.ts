/**
 * The rosters the benches plan, sync and run, as YAML text. One generator, so `bench:plan`, `bench:sync`
 * and `bench:memory` measure the same roster.
 */
import { DAY_MS, dayNumber, type IsoDate, isoDate } from '../src/time/zone-clock.js';

const ZONES = ['Asia/Kolkata', 'Europe/London', 'America/New_York', 'Asia/Singapore'];
const TEAMS = ['morning', 'evening', 'night', 'weekend'];

/** Agent IDs of the generated rosters: `100000`, `100001`, … */
export const agentId = (i: number) => String(100_000 + i);
/** A distinct phone per agent. */
export const agentPhone = (i: number) => `+9198${String(i).padStart(8, '0')}`;

export interface MixedRosterOptions {
  /** The first local day the dated entries (holidays, leave, one-off shifts) are placed from. */
  firstDay: IsoDate;
  /** Agents `i` with `changed(i)` work another team's shifts: a roster edit touching only them. */
  changed?: (i: number) => boolean;
}

/**
 * A realistic big roster: four teams (mornings and evenings every day, nights six nights a week,
 * weekends Friday to Sunday), two thirds of the agents in another zone than the roster's (London,
 * New York, Singapore), some with shifts of their own (a weekly Saturday night, a one-off, a cron
 * shift), two holidays and leave for one in twenty. 10,000 agents are about 1.2 MiB of YAML and, over a
 * sync's window (12 hours back, 7 days ahead), about 110,000 jobs.
 */
export function mixedRoster(agents: number, options: MixedRosterOptions): string {
  const first = dayNumber(options.firstDay);
  const day = (offset: number) => isoDate(first + offset);
  const lines = [
    'version: 1',
    'timezone: Asia/Kolkata',
    'holidays:',
    `  - ${day(5)}`,
    `  - { date: ${day(8)}, name: Good Friday }`,
    'teams:',
    '  morning: { shifts: [{ days: [mon-sun], start: "09:00", end: "18:00" }] }',
    '  evening: { shifts: [{ days: [mon-sun], start: "14:00", end: "23:00" }] }',
    '  night: { shifts: [{ days: [sun-fri], start: "22:00", end: "06:00" }] }',
    '  weekend: { shifts: [{ days: [fri-sun], start: "10:00", end: "19:00" }] }',
    'agents:',
  ];
  for (let i = 0; i < agents; i++) {
    const team = TEAMS[(i + (options.changed?.(i) ? 1 : 0)) % TEAMS.length];
    lines.push(`  - id: "${agentId(i)}"`, `    phone: "${agentPhone(i)}"`, `    team: ${team}`);
    if (i % 3 !== 0) lines.push(`    timezone: ${ZONES[i % ZONES.length]}`);
    const own: string[] = [];
    if (i % 5 === 0) {
      own.push(`{ days: [sat], start: "22:00", end: "06:00", from: ${day(-60)}, until: ${day(300)} }`);
    }
    if (i % 7 === 0) own.push(`{ date: ${day(3)}, start: "01:30", end: "05:00" }`);
    if (i % 50 === 0) own.push('{ cron: "30 21 * * 5", duration: 8h30m }');
    if (own.length > 0) lines.push('    shifts:', ...own.map((shift) => `      - ${shift}`));
    if (i % 20 === 0) {
      lines.push('    off:', `      - { from: ${day(1)}, to: ${day(2)}, reason: annual leave }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Today's date in UTC: where a sync's dated entries start. */
export function today(now = Date.now()): IsoDate {
  return isoDate(Math.floor(now / DAY_MS));
}

/** A roster of `agents`, each with one shift from `start` to `end` (`HH:MM:SS`) on `date`. */
export function oneShiftRoster(
  ids: readonly string[],
  phones: (i: number) => string,
  shift: { date: IsoDate; start: string; end: string },
  zone = 'Asia/Kolkata',
): string {
  const entry = `{ date: ${shift.date}, start: "${shift.start}", end: "${shift.end}" }`;
  return `version: 1\ntimezone: ${zone}\nagents:\n${ids
    .map((id, i) => `  - { id: "${id}", phone: "${phones(i)}", shifts: [${entry}] }\n`)
    .join('')}`;
}

/** The credentials file of these agents: password `pw-ID`. */
export function credentialsYaml(ids: readonly string[]): string {
  return `agents:\n${ids.map((id) => `  "${id}": pw-${id}\n`).join('')}`;
}
