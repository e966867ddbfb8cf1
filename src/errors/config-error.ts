/** The environment is invalid: every problem, each naming its variable. Exit code 1 at start. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`configuration: ${problems.join('; ')}`);
  }
}
