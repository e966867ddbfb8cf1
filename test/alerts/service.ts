import { afterEach } from 'vitest';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { type Service, type ServiceOptions, type ServiceParts, startService } from '../../src/service.js';
import { type Bench, inProcess } from '../helpers/rota.js';
import { type Receiver, startReceiver } from './receiver.js';

/**
 * For the alert integration tests: a webhook receiver, and rota services started in this process
 * (`openRuntime` + `startService`) with ROTA_ALERT_WEBHOOK pointing at it; all stopped after each test.
 */

export interface Started {
  runtime: Runtime;
  service: Service;
}

export function alertsPerTest() {
  const running: Started[] = [];
  const receivers: Receiver[] = [];
  afterEach(async () => {
    for (const { runtime, service } of running.splice(0).reverse()) {
      await service.stop();
      await runtime.close();
    }
    for (const receiver of receivers.splice(0)) await receiver.close();
  });
  return {
    async receiver(): Promise<Receiver> {
      const receiver = await startReceiver();
      receivers.push(receiver);
      return receiver;
    },
    /** Opens a runtime on the bench, alerting to `receiver`, before starting its parts (`before`). */
    async start(
      b: Bench,
      receiver: Receiver,
      parts: ServiceParts,
      options: ServiceOptions & { env?: NodeJS.ProcessEnv; before?(runtime: Runtime): void } = {},
    ): Promise<Started> {
      const runtime = await openRuntime(
        inProcess({ ...b.env, LOG_LEVEL: 'error', ROTA_ALERT_WEBHOOK: receiver.url, ...options.env }),
        b.dir,
      );
      options.before?.(runtime);
      const service = await startService(runtime, parts, options).catch(async (error: unknown) => {
        await runtime.close();
        throw error;
      });
      const started = { runtime, service };
      running.push(started);
      return started;
    },
  };
}

/** Resolves after `ms`: lets a duplicate that should not come have its chance to. */
export const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
