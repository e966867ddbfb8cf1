import { describe, expect, it } from 'vitest';
import { printable, quote } from '../../src/text/printable.js';

describe('printable', () => {
  it.each([
    ['plain text, accents and scripts', 'Zürich 東京 1001', 'Zürich 東京 1001'],
    ['C0 controls', 'a\u0007b\u001bc\nd', 'a\\u0007b\\u001bc\\u000ad'],
    ['DEL and C1 controls', 'a\u007fb\u0085c\u009bd', 'a\\u007fb\\u0085c\\u009bd'],
    ['bidi and zero-width format characters', 'a\u202eb\u200dc\ufeffd', 'a\\u202eb\\u200dc\\ufeffd'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['an astral format character, as JSON writes it', 'a\u{e0001}b', 'a\\udb40\\udc01b'],
    ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
  ])('%s', (_name, text, shown) => {
    expect(printable(text)).toBe(shown);
  });
});

describe('quote', () => {
  it('is JSON.stringify for ordinary text, so existing messages read the same', () => {
    for (const text of ['1001', 'night shift', 'say "hi"', 'back\\slash', 'tab\there']) {
      expect(quote(text)).toBe(JSON.stringify(text));
    }
  });

  it('escapes what JSON leaves raw', () => {
    expect(quote('a\u0085\u202eb\u007f')).toBe('"a\\u0085\\u202eb\\u007f"');
  });
});
