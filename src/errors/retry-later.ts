/** Thrown by the processor to have BullMQ retry the job after `delayMs` (read by the worker's backoff). */
export class RetryLater extends Error {
  override name = 'RetryLater';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}
