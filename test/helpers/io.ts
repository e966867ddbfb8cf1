import type { Io } from '../../src/cli/io.js';

/** An Io that records what a verb prints, for driving verbs in-process. */
export function captureIo(env: NodeJS.ProcessEnv = {}, cwd = process.cwd(), now: () => number = Date.now) {
  let out = '';
  let err = '';
  const controller = new AbortController();
  const io: Io = {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env,
    cwd,
    shutdown: controller.signal,
    now,
  };
  return { io, out: () => out, err: () => err, stop: () => controller.abort() };
}
