import type { RedisClient } from '../redis/connection.js';
import type { AlertState } from './alert.js';

/**
 * Which process sends an alert, decided in Redis so that any number of rota processes noticing the same
 * condition send it once. Per key, under the prefix:
 * - `<prefix>:alert:<key>`: while the key is firing, when its last `firing` was sent (epoch ms); kept
 *   15 days, so that a failed job requeued days later still resolves; gone once resolved;
 * - `<prefix>:alert:<key>:firing`: set for ROTA_ALERT_REPEAT when a `firing` is sent.
 * A `firing` passes when the key is not firing, or has been for longer than the repeat (a reminder). A
 * `resolved` passes only for a key that is firing, and once; a periodic check's `resolved` only when
 * it began reading after that `firing` was sent (a check that read the queue before another process saw
 * the condition begin does not end it). One script decides each, atomically.
 */

const GATE = `
local firedAt = redis.call('GET', KEYS[1])
if ARGV[1] == 'firing' then
  if firedAt and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[3])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  return 1
end
if not firedAt or (ARGV[5] == '1' and tonumber(firedAt) > tonumber(ARGV[4])) then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
`;

/** How long a key stays firing without news: longer than a failed job is kept (14 days). */
export const ALERT_STATE_MS = 15 * 86_400_000;

export class AlertGate {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly repeatMs: number,
  ) {}

  /**
   * Whether this process should send the `state` notice of `key`, noticed at `at` (and if so, it is
   * recorded as sent). `checked`: noticed by a periodic check that began reading at `at`.
   */
  async pass(key: string, state: AlertState, at: number, checked = false): Promise<boolean> {
    const base = `${this.prefix}:alert:${key}`;
    const sent = await this.redis.eval(
      GATE,
      2,
      base,
      `${base}:firing`,
      state,
      String(this.repeatMs),
      String(ALERT_STATE_MS),
      String(at),
      checked ? '1' : '0',
    );
    return sent === 1;
  }
}
