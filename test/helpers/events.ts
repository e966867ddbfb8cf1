import type { RotaEventMap, RotaEvents } from '../../src/events.js';

/**
 * The first `name` event (after this call) whose payload passes `match`, or a clear failure after
 * `timeoutMs`: tests wait for exactly what they mean ("attempt recorded for login-1001-…") instead of
 * sleeping or reading logs.
 */
export function nextEvent<K extends keyof RotaEventMap>(
  events: RotaEvents,
  name: K,
  match: (...args: RotaEventMap[K]) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<RotaEventMap[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: RotaEventMap[K]) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      events.off(name, listener as never);
      resolve(args);
    };
    const timer = setTimeout(() => {
      events.off(name, listener as never);
      reject(new Error(`no matching "${String(name)}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    events.on(name, listener as never);
  });
}
