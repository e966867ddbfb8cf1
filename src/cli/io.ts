import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors/index.js';
import { readDate } from '../time/grammar.js';
import type { IsoDate } from '../time/zone-clock.js';

/** What a verb may touch of the process: passed in so tests can drive verbs in-process. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Fires when the process is asked to stop (SIGTERM/SIGINT); long-running verbs listen to it. */
  shutdown: AbortSignal;
  /** The clock (epoch ms): verbs take `now` from here, so tests can fix it. */
  now(): number;
}

/** A verb: parses its own flags, calls the core, returns the exit code (0 ok, 1 failure, 2 usage). */
export type Verb = (args: string[], io: Io) => Promise<number>;

/** `node:util` parseArgs with its errors turned into UsageError. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The date a flag gives (`--from 2026-12-01`), if given; a usage error naming the flag if it is not one. */
export function dateFlag(name: string, text: string | undefined, note = ''): IsoDate | undefined {
  if (text === undefined) return undefined;
  const read = readDate(text);
  if (!read.ok) throw new UsageError(`--${name} ${read.message}${note}`);
  return read.value;
}

/**
 * Items of a JSON array made as they are written, a chunk at a time (`printJson`): a big document's
 * rows then die young, instead of all of them and one string of the whole document living at once.
 */
export class JsonRows<T> {
  constructor(
    readonly items: readonly T[],
    readonly row: (item: T) => unknown,
  ) {}
}

/** Items of a JsonRows written at once. */
const ROWS_AT_ONCE = 2000;

/**
 * The text of `key: value` in a top-level object as JSON.stringify(…, null, 2) writes it, without the
 * key: the object of that one field stringified, its first line and closing brace cut off.
 */
function fieldText(key: string, value: unknown): string {
  const text = JSON.stringify({ [key]: value }, null, 2);
  return text.slice(`{\n  ${JSON.stringify(key)}: `.length, -'\n}'.length);
}

/**
 * One JSON document on stdout, nothing else there, indented by 2. Top-level values given as JsonRows are
 * written a chunk of rows at a time; the text is the same as if they were arrays.
 */
export function printJson(io: Io, value: unknown): void {
  const fields = typeof value === 'object' && value !== null ? Object.entries(value) : [];
  if (!fields.some(([, field]) => field instanceof JsonRows)) {
    io.stdout(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const written = fields.filter(([, field]) => field !== undefined && typeof field !== 'function');
  io.stdout('{');
  for (const [index, [key, field]] of written.entries()) {
    io.stdout(`${index === 0 ? '' : ','}\n  ${JSON.stringify(key)}: `);
    if (!(field instanceof JsonRows)) {
      io.stdout(fieldText(key, field));
      continue;
    }
    const { items, row } = field as JsonRows<unknown>;
    if (items.length === 0) io.stdout('[]');
    for (let from = 0; from < items.length; from += ROWS_AT_ONCE) {
      // `[\n    row,\n    row\n  ]`: the rows are the text between the brackets.
      const rows = fieldText(key, items.slice(from, from + ROWS_AT_ONCE).map(row)).slice(2, -4);
      io.stdout(from === 0 ? `[\n${rows}` : `,\n${rows}`);
    }
    if (items.length > 0) io.stdout('\n  ]');
  }
  io.stdout('\n}\n');
}
