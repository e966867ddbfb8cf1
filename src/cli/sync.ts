import { syncRoster } from '../runtime.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';
import { nameFile, printIssues, rosterArgument, rosterPath } from './roster-file.js';

/** `rota sync [FILE] [--dry-run] [--json]`: reconcile the queue with the roster once. */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, {
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const dryRun = values['dry-run'];
  return withRuntime(io, async (runtime) => {
    const { shown, path: file } = rosterPath(rosterArgument(positionals), io);
    const result = await syncRoster(runtime, { now: io.now(), file, dryRun });
    if (!result.ok) {
      const errors = nameFile(result.issues, file, shown);
      if (values.json) printJson(io, { ok: false, file: shown, dryRun, errors });
      else {
        printIssues(io, errors);
        io.stderr(`${shown}: ${errors.length} error(s); nothing was changed\n`);
      }
      return 1;
    }
    const { ok: _ok, warnings, additions, files: _files, ...counts } = result;
    if (values.json) {
      printJson(io, {
        ok: true,
        file: shown,
        ...counts,
        dryRun,
        warnings: nameFile(warnings, file, shown),
        // What was added, or in a dry run would be: fields of `rota plan --json`'s action rows.
        additions: additions.map((job) => ({
          id: job.id,
          action: job.data.action,
          agentId: job.data.agentId,
          atMs: job.data.at,
          runAtMs: job.runAt,
          ...(job.data.after ? { after: job.data.after } : {}),
        })),
      });
      return 0;
    }
    printIssues(io, nameFile(warnings, file, shown));
    const verb = dryRun ? 'would be ' : '';
    io.stdout(
      `${shown} (revision ${result.revision}, ${result.sessions} sessions): ${verb}added ${result.added}, ` +
        `${verb}removed ${result.removed}, unchanged ${result.unchanged}, caught-up ${result.caughtUp}` +
        `${result.released ? `, released ${result.released}` : ''}` +
        `${result.cancelled ? `, left cancelled ${result.cancelled}` : ''}${dryRun ? ' (dry run)' : ''}\n`,
    );
    return 0;
  });
};
