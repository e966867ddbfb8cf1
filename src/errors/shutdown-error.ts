/** The process was asked to stop (SIGTERM/SIGINT) before it had started: not a failure, exit 0. */
export class ShutdownError extends Error {
  override name = 'ShutdownError';
  constructor() {
    super('asked to stop before starting');
  }
}
