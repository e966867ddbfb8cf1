import { type DestinationStream, type Logger, pino } from 'pino';

/** Paths that could ever carry a secret: redacted at the logger, whatever a caller passes. */
const REDACT = [
  'password',
  'apiKey',
  'authorization',
  '*.password',
  '*.apiKey',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'CLOUDAGENT_API_KEY',
  '*.CLOUDAGENT_API_KEY',
];

export type { Logger };

/** pino JSON lines on stdout (or the given stream), secrets redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'rota' }, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
