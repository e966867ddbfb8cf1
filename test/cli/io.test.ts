import { describe, expect, it } from 'vitest';
import { JsonRows, printJson } from '../../src/cli/io.js';
import { captureIo } from '../helpers/io.js';

/** `printJson` writes rows given as JsonRows a chunk at a time, to the same text as one JSON.stringify. */

const printed = (value: unknown) => {
  const { io, out } = captureIo();
  printJson(io, value);
  return out();
};
const stringified = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('printJson', () => {
  it('writes rows made a chunk at a time exactly as JSON.stringify writes the arrays', () => {
    const items = Array.from({ length: 4501 }, (_, i) => i);
    const row = (i: number) => ({ id: `job-${i}`, at: i, nested: { list: [i, 'a\nb'], empty: [] } });
    const head = { file: 'roster.yaml', window: { from: 1, to: 2, zones: ['Asia/Kolkata'] }, nothing: null };
    const rows = printed({ ...head, skipped: undefined, sessions: new JsonRows(items, row), warnings: [] });
    expect(rows).toBe(stringified({ ...head, sessions: items.map(row), warnings: [] }));
    expect(JSON.parse(rows).sessions).toHaveLength(4501);
  });

  it('writes no rows as an empty array, and rows first or last in the document', () => {
    const none = new JsonRows<number>([], (i) => i);
    expect(printed({ sessions: none, actions: new JsonRows([1, 2], (i) => ({ i })) })).toBe(
      stringified({ sessions: [], actions: [{ i: 1 }, { i: 2 }] }),
    );
  });

  it('writes any other value with JSON.stringify', () => {
    for (const value of [{ a: [1, { b: 2 }] }, [1, 2], 'text', 3, null]) {
      expect(printed(value)).toBe(stringified(value));
    }
  });
});
