import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this module holding package.json (works from src/ and dist/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('rota: package.json not found above the installed files');
    dir = parent;
  }
  return dir;
}

export const ROTA_ROOT = projectRoot();

/** rota's version, from package.json (sent in the CloudAgent User-Agent, printed by the CLI). */
export const ROTA_VERSION: string = (
  JSON.parse(readFileSync(join(ROTA_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
