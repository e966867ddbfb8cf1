/**
 * The rotation of the rotations issue, as a roster's first lines: team `rotating` works earlies, lates,
 * nights (sun-thu) and has a week off, in a 4-week cycle from Monday 2026-12-07, in Asia/Kolkata.
 * Tests append their `agents:`.
 */
export const FOUR_WEEK_ROTATION = `version: 1
timezone: Asia/Kolkata
teams:
  rotating:
    rotation:
      start: 2026-12-07
      weeks:
        - shifts: [ { days: [mon-fri], start: "06:00", end: "14:00" } ]
        - shifts: [ { days: [mon-fri], start: "14:00", end: "22:00" } ]
        - shifts: [ { days: [sun-thu], start: "22:00", end: "06:00" } ]
        - shifts: []
`;
