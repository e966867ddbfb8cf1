import { manualAction } from './login.js';

/** `rota logout ID [--at TIME]`: see `login.ts`. */
export const run = manualAction('logout');
