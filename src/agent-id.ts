/**
 * What a CloudAgent agent ID may be, wherever one is written (the roster, the credentials file). The ID
 * is the user name of the API's HTTP Basic auth, so a `:` would cut it short; it is printed in
 * terminals and logs, so it holds nothing invisible; and it is short.
 */
import { quote } from './text/printable.js';

/** The longest agent ID accepted, in characters. */
export const MAX_AGENT_ID_LENGTH = 64;

const AS_SHOWN = 'use the ID exactly as CloudAgent shows it';

const codePoint = (char: string) =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

function spaceName(char: string): string {
  if (char === ' ') return 'a space';
  if (char === '\t') return 'a tab';
  if ('\n\r\u2028\u2029'.includes(char)) return 'a line break';
  return `a space character (${codePoint(char)})`;
}

function invisibleName(char: string): string {
  if (/\p{Cc}/u.test(char)) return `a control character (${codePoint(char)})`;
  if (/\p{Cf}/u.test(char)) return `an invisible formatting character (${codePoint(char)})`;
  return `a broken character (${codePoint(char)})`;
}

/** Why `id` cannot be a CloudAgent agent ID, in words for an operations person; undefined when it can. */
export function agentIdProblem(id: string): string | undefined {
  if (id === '') return 'the agent ID is empty; use the CloudAgent agent ID, like "1001"';
  const length = [...id].length;
  if (length > MAX_AGENT_ID_LENGTH) {
    return `the agent ID is ${length} characters long; a CloudAgent agent ID has at most ${MAX_AGENT_ID_LENGTH} — ${AS_SHOWN}`;
  }
  const space = /\s/u.exec(id)?.[0];
  if (space !== undefined) return `${quote(id)} contains ${spaceName(space)}; a CloudAgent agent ID has none`;
  const invisible = /[\p{Cc}\p{Cf}\p{Cs}]/u.exec(id)?.[0];
  if (invisible !== undefined) {
    return `${quote(id)} contains ${invisibleName(invisible)}; a CloudAgent agent ID cannot — ${AS_SHOWN}`;
  }
  if (id.includes(':')) return `${quote(id)} contains ":"; a CloudAgent agent ID cannot — ${AS_SHOWN}`;
  return undefined;
}
