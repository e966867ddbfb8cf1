import { manualAction } from './login.js';

/** `rota logout ID [--phone NUMBER] [--at TIME]`: see `login.ts`. */
export const run = manualAction('logout');
