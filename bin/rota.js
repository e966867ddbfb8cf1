#!/usr/bin/env node
// The `rota` command: runs the compiled CLI (built by `npm ci` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/src/cli/bin.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('rota is not built yet: run `npm run build` (or `npm ci`) in the project folder.\n');
  process.exit(1);
}
await import(main);
