/**
 * Adapter: read a roster file and the CSV files it includes, and parse them. Whatever is wrong with a
 * file itself (missing, unreadable, not a regular file, too big, binary, not UTF-8) comes back as one
 * issue — about the whole roster file, or at the include entry that names a CSV — never as a thrown
 * error.
 */
import { open, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { byPlace } from '../yaml-place.js';
import { addIncludedShifts, type IncludedText } from './csv.js';
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
  return (code && READ_ERRORS[code]) ?? (code ? `the system said ${code}` : 'unknown reason');
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

/** Why a file could not be read as text, in words that fit after "the roster file" or a CSV's name. */
type Unreadable =
  | { why: 'unreadable'; reason: string }
  | { why: 'directory' | 'special' | 'grew' | 'binary' | 'encoding' }
  | { why: 'too-big'; size: number };

/**
 * A text file of at most `MAX_ROSTER_BYTES`, UTF-8; text that is not UTF-8 is `encoding`, unless
 * `fallback` names the encoding to read it with instead.
 */
async function readText(file: string, fallback?: string): Promise<{ text: string } | Unreadable> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) return { why: 'directory' };
    // A FIFO or device could block forever or never end.
    if (!info.isFile()) return { why: 'special' };
    if (info.size > MAX_ROSTER_BYTES) return { why: 'too-big', size: info.size };
    bytes = await readAtMost(file, MAX_ROSTER_BYTES);
  } catch (error) {
    return { why: 'unreadable', reason: readFailure(error) };
  }
  if (bytes.length > MAX_ROSTER_BYTES) return { why: 'grew' };
  if (bytes.includes(0)) return { why: 'binary' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return fallback ? { text: new TextDecoder(fallback).decode(bytes) } : { why: 'encoding' };
  }
}

const ROSTER_WORDS: Record<Exclude<Unreadable['why'], 'unreadable' | 'too-big'>, string> = {
  directory: 'this is a directory; give the path of a roster YAML file',
  special: 'this is not a regular file; give the path of a roster YAML file',
  grew: `the file grew past ${mib(MAX_ROSTER_BYTES)} while being read`,
  binary: 'the file contains NUL bytes: it is binary, not YAML text',
  encoding: 'the file is not UTF-8 text; save it as UTF-8',
};

function rosterProblem(problem: Unreadable): string {
  if (problem.why === 'unreadable') return `cannot read the roster file: ${problem.reason}`;
  if (problem.why === 'too-big') {
    return `the file is ${mib(problem.size)}; a roster may be at most ${mib(MAX_ROSTER_BYTES)}`;
  }
  return ROSTER_WORDS[problem.why];
}

function csvProblem(name: string, problem: Unreadable): string {
  switch (problem.why) {
    case 'unreadable':
      return `cannot read ${name}: ${problem.reason}`;
    case 'too-big':
      return `${name} is ${mib(problem.size)}; an included file may be at most ${mib(MAX_ROSTER_BYTES)}`;
    case 'directory':
      return `${name} is a directory; give the path of a CSV file`;
    case 'special':
      return `${name} is not a regular file; give the path of a CSV file`;
    case 'grew':
      return `${name} grew past ${mib(MAX_ROSTER_BYTES)} while being read`;
    case 'binary':
      return `${name} contains NUL bytes: it is binary or UTF-16, not CSV text; export it as CSV (UTF-8)`;
    case 'encoding':
      return `${name} is not UTF-8 text; export it as CSV (UTF-8)`;
  }
}

/**
 * The last roster text parsed, and what parsing gave. The scheduler reads an unchanged roster every
 * ROTA_SYNC_INTERVAL, and parsing 10,000 agents is most of what such a re-sync costs; parsing is pure,
 * so the same text of the same file gives the same roster. One entry: a process keeps one roster.
 */
let lastParse: { file: string; text: string; parsed: ReturnType<typeof parseRoster> } | undefined;

function parseOnce(text: string, file: string): ReturnType<typeof parseRoster> {
  if (lastParse?.file === file && lastParse.text === text) return lastParse.parsed;
  lastParse = undefined; // the roster it held can go while the new one is parsed
  const parsed = parseRoster(text, file);
  lastParse = { file, text, parsed };
  return parsed;
}

/**
 * What `loadRoster` found: the roster when nothing is an error, and the files it read (to watch). The
 * roster and issues may be the ones an earlier call gave for the same text: read them, never change them.
 */
export interface LoadedRoster {
  roster?: Roster;
  issues: RosterIssue[];
  /** The roster file, then every included file it names (all of them once the roster parses). */
  files: string[];
}

export async function loadRoster(file: string): Promise<LoadedRoster> {
  const read = await readText(file);
  if (!('text' in read)) return { issues: [fileIssue(file, rosterProblem(read))], files: [file] };
  const parsed = parseOnce(read.text, file);
  const includes = parsed.roster?.includes ?? [];
  if (!parsed.roster || includes.length === 0) {
    return { ...parsed, issues: [...parsed.issues], files: [file] };
  }

  const paths = includes.map((include) =>
    isAbsolute(include.csv) ? normalize(include.csv) : join(dirname(file), include.csv),
  );
  const failures: RosterIssue[] = [];
  const texts: IncludedText[] = [];
  for (const [i, include] of includes.entries()) {
    const path = paths[i] as string;
    const earlier = paths.indexOf(path);
    if (earlier < i) {
      const line = includes[earlier]?.place.line;
      failures.push({
        ...include.place,
        severity: 'error',
        message: `${include.csv} is already included at line ${line}; include each file once`,
      });
      continue;
    }
    // Spreadsheets on Windows often save CSV in their own code page: its names are read as such.
    const text = await readText(path, 'windows-1252');
    if ('text' in text) texts.push({ include, file: path, text: text.text });
    else failures.push({ ...include.place, severity: 'error', message: csvProblem(include.csv, text) });
  }
  const included = addIncludedShifts(parsed.roster, texts);
  const inRoster = (issue: RosterIssue) => issue.file === file;
  const issues = [
    ...[...parsed.issues, ...failures, ...included.issues.filter(inRoster)].sort(byPlace),
    ...included.issues.filter((issue) => !inRoster(issue)),
  ];
  const files = [file, ...new Set(paths)];
  if (failures.length > 0 || !included.roster) return { issues, files };
  return { roster: included.roster, issues, files };
}
