/**
 * Adapter: read a roster file and parse it. Whatever is wrong with the file itself (missing,
 * unreadable, not a regular file, too big, binary, not UTF-8) comes back as one issue about the whole
 * file, never as a thrown error.
 */
import { open, stat } from 'node:fs/promises';
import { fileIssue, parseRoster } from './parse.js';
import type { Roster, RosterIssue } from './types.js';

export const MAX_ROSTER_BYTES = 16 * 1024 * 1024;

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code && READ_ERRORS[code]) ?? (code ? `the system said ${code}` : 'unknown reason');
  return `cannot read the roster file: ${reason}`;
}

const mib = (bytes: number) => `${Number((bytes / 1024 / 1024).toFixed(1))} MiB`;

/** At most `limit + 1` bytes, so a file that grows while being read cannot make this unbounded. */
async function readAtMost(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      length += bytesRead;
      if (bytesRead === 0 || length === buffer.length) return buffer.subarray(0, length);
    }
  } finally {
    await handle.close();
  }
}

export async function loadRoster(file: string): Promise<{ roster?: Roster; issues: RosterIssue[] }> {
  const fail = (message: string) => ({ issues: [fileIssue(file, message)] });
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) return fail('this is a directory; give the path of a roster YAML file');
    // A FIFO or device could block forever or never end.
    if (!info.isFile()) return fail('this is not a regular file; give the path of a roster YAML file');
    if (info.size > MAX_ROSTER_BYTES) {
      return fail(`the file is ${mib(info.size)}; a roster may be at most ${mib(MAX_ROSTER_BYTES)}`);
    }
    bytes = await readAtMost(file, MAX_ROSTER_BYTES);
  } catch (error) {
    return fail(readFailure(error));
  }
  if (bytes.length > MAX_ROSTER_BYTES)
    return fail(`the file grew past ${mib(MAX_ROSTER_BYTES)} while being read`);
  if (bytes.includes(0)) return fail('the file contains NUL bytes: it is binary, not YAML text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('the file is not UTF-8 text; save it as UTF-8');
  }
  return parseRoster(text, file);
}
