/**
 * Text a user wrote, made safe to print in a message: a terminal or log viewer shows every character,
 * none of them moves the cursor, rings, recolours or reorders what follows.
 */

/** Control characters (C0, DEL, C1), format characters (bidi marks, zero widths), line and paragraph
 * separators, and lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const asEscapes = (char: string): string =>
  Array.from(
    { length: char.length },
    (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`,
  ).join('');

/** `text` with every control or format character written as `\uXXXX`; the rest as it is. */
export function printable(text: string): string {
  return text.replace(INVISIBLE, asEscapes);
}

/** `text` in double quotes, escaped as JSON does, and with every invisible character as `\uXXXX`. */
export function quote(text: string): string {
  return printable(JSON.stringify(text));
}
