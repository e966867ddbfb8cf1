// rota console: times in the roster zone (Intl only, no library), durations and relative times.

const HOUR_MS = 3_600_000;

/** A clock for one IANA zone: what the console shows every instant in. */
export function zoneClock(zone) {
  const partsFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const clockFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
  });
  const secondsFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const dayFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });

  /** `{ y, mo, d, h, mi, s }` of an instant, as numbers, in the zone. */
  function parts(ms) {
    const out = {};
    for (const { type, value } of partsFormat.formatToParts(ms)) {
      if (type !== 'literal') out[type] = Number(value);
    }
    return { y: out.year, mo: out.month, d: out.day, h: out.hour % 24, mi: out.minute, s: out.second };
  }

  /** The instant of local midnight starting the day that contains `ms` (daylight saving allowed for). */
  function midnightOf(ms) {
    const p = parts(ms);
    let guess = ms - ((p.h * 60 + p.mi) * 60 + p.s) * 1000 - (((ms % 1000) + 1000) % 1000);
    for (let i = 0; i < 2; i++) {
      const q = parts(guess);
      if (q.h === 0 && q.mi === 0) break;
      guess += q.h >= 12 ? (24 - q.h) * HOUR_MS - q.mi * 60_000 : -(q.h * HOUR_MS + q.mi * 60_000);
    }
    return guess;
  }

  return {
    zone,
    parts,
    midnightOf,
    /** `09:30` */
    time: (ms) => clockFormat.format(ms),
    /** `09:30:05` */
    seconds: (ms) => secondsFormat.format(ms),
    /** `Sun 29 Nov` */
    day: (ms) => dayFormat.format(ms),
    /** `2026-11-29`, to compare days. */
    dayKey(ms) {
      const p = parts(ms);
      return `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
    },
    /** `Sun 29 Nov 09:30:05` */
    full: (ms) => `${dayFormat.format(ms)} ${secondsFormat.format(ms)}`,
    /**
     * The local midnights and the whole local hours every `stepHours` in [from, to), found by walking in
     * quarter hours (zones with :30 and :45 offsets, and daylight saving, come out right).
     */
    ticks(from, to, stepHours) {
      const days = [];
      const hours = [];
      const quarter = 15 * 60_000;
      for (let t = Math.ceil(from / quarter) * quarter; t < to; t += quarter) {
        const p = parts(t);
        if (p.mi !== 0) continue;
        if (p.h === 0) days.push(t);
        else if (p.h % stepHours === 0) hours.push({ at: t, hour: p.h });
      }
      return { days, hours };
    },
  };
}

/** `450ms`, `12s`, `5m`, `2h 5m`, `3d 4h`. */
export function duration(ms) {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)}ms`;
  const s = Math.round(abs / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 && m < 10 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** Lateness as the command line shows it: `12ms`, `1m 30s` (negative: early). */
export function lateness(ms) {
  if (ms === undefined || ms === null) return '';
  if (Math.abs(ms) < 10_000) return `${ms}ms`;
  return `${ms < 0 ? '-' : ''}${duration(ms)}`;
}

/** `in 5m`, `2h ago`, `now`. */
export function relative(ms, now) {
  const distance = ms - now;
  if (Math.abs(distance) < 1000) return 'now';
  return distance > 0 ? `in ${duration(distance)}` : `${duration(distance)} ago`;
}
