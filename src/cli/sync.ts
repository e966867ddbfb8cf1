import { syncOnce } from '../queue/sync.js';
import { withRuntime } from '../runtime.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { nameFile, printIssues, rosterArgument, rosterPath } from './roster-file.js';

/** `rota sync [FILE] [--dry-run] [--json]`: reconcile the queue with the roster once. */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, {
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  return withRuntime(io, async (runtime) => {
    const { shown, path: file } = rosterPath(rosterArgument(positionals), io);
    const result = await syncOnce({
      queue: runtime.queue,
      store: runtime.store,
      file,
      now: Date.now(),
      horizonMs: runtime.config.ROTA_HORIZON,
      dryRun: values['dry-run'],
    });
    if (!result.ok) {
      const { errors } = printIssues(io, nameFile(result.issues, file, shown));
      io.stderr(`${shown}: ${errors} error(s); nothing was changed\n`);
      return 1;
    }
    printIssues(io, nameFile(result.warnings, file, shown));
    if (values.json) {
      const { ok: _ok, warnings, ...counts } = result;
      printJson(io, { ...counts, dryRun: values['dry-run'], warnings: warnings.length });
    } else {
      const verb = values['dry-run'] ? 'would be ' : '';
      io.stdout(
        `${shown} (revision ${result.revision}, ${result.sessions} sessions): ${verb}added ${result.added}, ` +
          `${verb}removed ${result.removed}, unchanged ${result.unchanged}, caught-up ${result.caughtUp}` +
          `${result.released ? `, released ${result.released}` : ''}` +
          `${result.cancelled ? `, left cancelled ${result.cancelled}` : ''}${values['dry-run'] ? ' (dry run)' : ''}\n`,
      );
    }
    return 0;
  });
};
