/** rota's own error classes, one per file (as BullMQ keeps `src/classes/errors/`). */
export { ConfigError } from './config-error.js';
export { RetryLater } from './retry-later.js';
export { ShutdownError } from './shutdown-error.js';
export { UsageError } from './usage-error.js';
