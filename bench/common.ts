/**
 * What the benches share: statistics, the figures they report (printed, and handed to `npm run bench`
 * through the file named by BENCH_RESULTS), child processes and what the machine is.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The middle value (the lower middle of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** Nearest rank on ascending values. */
export function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const ascending = (values: readonly number[]) => [...values].sort((a, b) => a - b);

/** `1234 ms`, or `12.3 s` from 10 s up. */
export function duration(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export function ratioText(value: number, baseline: number): string {
  if (!(baseline > 0)) return value > 0 ? '∞' : 'n/a';
  return `${(value / baseline).toFixed(2)}×`;
}

/** Whether the small-size run of `npm run bench -- --smoke` asked for this part. */
export const smoke = process.env.BENCH_SMOKE === '1';

/** One figure of the summary: rota's value, what it is measured against, the target, and whether met. */
export interface Figure {
  figure: string;
  /** rota's value, already written with its unit. */
  rota: string;
  /** What it is measured against, written out (`raw addBulk 3.1 s`), when anything. */
  baseline?: string;
  /** rota ÷ baseline, when there is one. */
  ratio?: number;
  target: string;
  /** Undefined in a smoke run (sizes too small to judge) or for a figure without a target. */
  met?: boolean;
}

/** Prints the figures and hands them to `npm run bench` (BENCH_RESULTS names a JSON-lines file). */
export function report(part: string, figures: Figure[]): void {
  console.log();
  for (const figure of figures) {
    const against = figure.baseline === undefined ? '' : ` against ${figure.baseline}`;
    const ratio = figure.ratio === undefined ? '' : ` (${figure.ratio.toFixed(2)}×)`;
    const verdict = figure.met === undefined ? '' : figure.met ? ': met' : ': NOT met';
    console.log(`  ${figure.figure}: ${figure.rota}${against}${ratio}; target ${figure.target}${verdict}`);
  }
  const file = process.env.BENCH_RESULTS;
  if (file) {
    appendFileSync(file, figures.map((figure) => `${JSON.stringify({ part, ...figure })}\n`).join(''));
  }
}

/** A verdict, or none in a smoke run. */
export const judge = (met: boolean) => (smoke ? undefined : met);

/** The figures written to a BENCH_RESULTS file. */
export function readFigures(file: string): (Figure & { part: string })[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Figure & { part: string });
}

/** Resident set size of a process now, and its peak so far, from /proc (bytes). */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

/** This process's peak resident set size so far (bytes). */
export const peakResident = () => process.resourceUsage().maxRSS * 1024;

/**
 * A bench script of this folder run as a child with an IPC channel: it answers messages (`send`) and
 * sends its own (`next`). Its output goes to this process's, unless `quiet`.
 */
export class Child {
  readonly process: ChildProcess;
  readonly #messages: unknown[] = [];
  readonly #waiting: ((message: unknown) => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; quiet?: boolean } = {}) {
    this.process = fork(new URL(script, import.meta.url), args, {
      env: { ...process.env, ...options.env },
      stdio: options.quiet ? ['ignore', 'ignore', 'inherit', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (message) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(message);
      else this.#messages.push(message);
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.process.pid ?? 0;
  }

  /** The next message from the child; rejects when it exits first. */
  next<T>(): Promise<T> {
    const queued = this.#messages.shift();
    if (queued !== undefined) return Promise.resolve(queued as T);
    return new Promise<T>((resolve, reject) => {
      const waiter = (message: unknown) => resolve(message as T);
      this.#waiting.push(waiter);
      void this.exited.then((code) => {
        const at = this.#waiting.indexOf(waiter);
        if (at < 0) return;
        this.#waiting.splice(at, 1);
        reject(new Error(`the bench child exited (code ${code}) before answering`));
      });
    });
  }

  send(message: unknown): void {
    this.process.send(message as never);
  }

  /** Asks it to stop (`stop` message), then waits for it to exit. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.connected) this.send('stop');
    await this.exited;
  }
}

/** In a child started by `Child`: messages from the parent not yet asked for, and who waits for one. */
const inbox: unknown[] = [];
const listeners: ((message: unknown) => void)[] = [];
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  process.on('message', (message) => {
    const listener = listeners.shift();
    if (listener) listener(message);
    else inbox.push(message);
  });
}

/** In a child started by `Child`: a message to the parent (resolves once it is sent). */
export function tell(message: unknown): Promise<void> {
  listen();
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

/** In a child started by `Child`: the next message from the parent. */
export function heard<T>(): Promise<T> {
  listen();
  if (inbox.length > 0) return Promise.resolve(inbox.shift() as T);
  return new Promise((resolve) => listeners.push((message) => resolve(message as T)));
}

/** The account the benches' simulators accept. */
export const BENCH_ACCOUNT = { userName: 'bench', apiKey: 'bench-key' };

/** An installed package's version (from the project's node_modules: dist/bench is two levels down). */
function version(name: string): string {
  try {
    const file = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The machine and the versions a run was measured with, as lines. */
export function machine(): string[] {
  const cpu = cpus();
  let redis = 'unknown';
  try {
    redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? redis;
  } catch {
    // Reported as unknown.
  }
  return [
    `${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), ${mib(totalmem())} of memory, ` +
      `load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
    `Node ${process.version}, bullmq ${version('bullmq')}, ioredis ${version('ioredis')}, redis-server ${redis}`,
  ];
}
