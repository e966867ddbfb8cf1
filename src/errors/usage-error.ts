/** Wrong usage of the command line (unknown flag, missing argument): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
