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

/** One JSON document on stdout, nothing else there. */
export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
