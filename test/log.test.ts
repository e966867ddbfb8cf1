import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

/**
 * The logger's redaction beyond plain nested objects (test/cloudagent/client.test.ts has those): arrays,
 * errors, interpolated arguments and child bindings, and what it leaves alone.
 */

function capture() {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => lines.push(line) });
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line)) };
}

describe('the logger', () => {
  it('keeps secret fields out of arrays, errors, interpolated arguments and child bindings', () => {
    const { log, lines, parsed } = capture();
    const failure = Object.assign(new Error('call failed'), {
      token: 'e1',
      request: { headers: { authorization: 'Basic e2' } },
    });
    log.info({ calls: [{ password: 'a1' }, [{ apiKey: 'a2' }]] }, 'arrays');
    log.error({ err: failure, job: 'j1' }, 'an error under err');
    log.error(failure, 'an error alone');
    log.error({ err: new AggregateError([Object.assign(new Error('one'), { password: 'e3' })]) }, 'many');
    log.info('interpolated %j and %o', { password: 'i1' }, { deep: { token: 'i2' } });
    log
      .child({ token: 'c1' })
      .child({ who: { password: 'c2' } })
      .info({ apiKey: 'c3' }, 'child');
    for (const secret of ['a1', 'a2', 'e1', 'e2', 'e3', 'i1', 'i2', 'c1', 'c2', 'c3']) {
      expect(lines.join('')).not.toContain(`"${secret}`);
    }
    const [arrays, underErr, alone, many, , child] = parsed();
    expect(arrays.calls).toEqual([{ password: '[redacted]' }, [{ apiKey: '[redacted]' }]]);
    // Still serialized as an error: type, message and stack.
    for (const line of [underErr, alone]) {
      expect(line.err).toMatchObject({
        type: 'Error',
        message: 'call failed',
        token: '[redacted]',
        request: { headers: { authorization: '[redacted]' } },
      });
      expect(line.err.stack).toContain('call failed');
    }
    expect(many.err).toMatchObject({ type: 'AggregateError', aggregateErrors: [{ password: '[redacted]' }] });
    expect(child).toMatchObject({
      token: '[redacted]',
      who: { password: '[redacted]' },
      apiKey: '[redacted]',
    });
  });

  it('leaves what it is given as it was, and a line without secrets as pino writes it', () => {
    const { log, parsed } = capture();
    const config = Object.freeze({ REDIS_URL: 'redis://ops:r1@cache:6379', nested: { password: 'p1' } });
    const entry = {
      agentId: '1001',
      outcome: 'done',
      message: 'Agent 1001 "logged in"',
      lateMs: 3,
      job: 'j',
    };
    log.info({ config }, 'config');
    log.info(entry, 'login 1001: done');
    expect(config).toEqual({ REDIS_URL: 'redis://ops:r1@cache:6379', nested: { password: 'p1' } });
    const [shown, line] = parsed();
    expect(shown.config).toEqual({
      REDIS_URL: 'redis://ops:***@cache:6379',
      nested: { password: '[redacted]' },
    });
    expect(line).toEqual({
      level: 30,
      time: expect.any(Number),
      app: 'rota',
      ...entry,
      msg: 'login 1001: done',
    });
  });
});
