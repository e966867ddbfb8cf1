import { describe, expect, it } from 'vitest';
import { isSeq } from 'yaml';
import { formatPath, formatPlaced, keepAsWritten, parseYaml, writtenText } from '../src/yaml-place.js';

describe('formatPath', () => {
  it.each([
    [['agents', 3, 'shifts', 0, 'end'], 'agents[3].shifts[0].end'],
    [['teams', 'night shift', 'shifts'], 'teams["night shift"].shifts'],
    [['agents', '1001'], 'agents["1001"]'],
    [['agents', '__proto__'], 'agents.__proto__'],
    [['agents', 'a\u202eb'], 'agents["a\\u202eb"]'],
    [[], ''],
  ])('%j', (path, shown) => {
    expect(formatPath(path)).toBe(shown);
  });
});

describe('parseYaml places', () => {
  const yaml = parseYaml('a:\n  b: [1, 2]\n  "c d": x\n  e:\n', 'f.yaml');

  it('a value, a key, a missing key (at its mapping), an empty value (at its key)', () => {
    expect(yaml.at(['a', 'b', 1])).toEqual({ file: 'f.yaml', line: 2, column: 10, path: 'a.b[1]' });
    expect(yaml.keyAt(['a'], 'c d')).toEqual({ file: 'f.yaml', line: 3, column: 3, path: 'a["c d"]' });
    expect(yaml.at(['a', 'z'])).toEqual({ file: 'f.yaml', line: 2, column: 3, path: 'a.z' });
    expect(yaml.at(['a', 'e'])).toEqual({ file: 'f.yaml', line: 4, column: 3, path: 'a.e' });
  });

  it('an empty document is the file as a whole', () => {
    expect(parseYaml('# nothing\n', 'f.yaml').at(['a'])).toEqual({
      file: 'f.yaml',
      line: 0,
      column: 0,
      path: 'a',
    });
  });

  it('formats a place as file:line:column path', () => {
    expect(formatPlaced({ ...yaml.at(['a', 'b']), message: 'm' })).toBe('f.yaml:2:6 a.b: m');
    expect(formatPlaced({ file: 'f.yaml', line: 0, column: 0, path: '', message: 'm' })).toBe('f.yaml: m');
  });

  it('compares keys as written when asked: 7 and 007 differ, 1001 and "1001" do not', () => {
    expect(parseYaml('7: a\n007: b\n', 'f.yaml', { keysAsWritten: true }).doc.errors).toEqual([]);
    expect(parseYaml('1001: a\n"1001": b\n', 'f.yaml', { keysAsWritten: true }).doc.errors).toHaveLength(1);
  });
});

describe('text as written', () => {
  it('reads numbers, yes/no and null as the text they were written as', () => {
    const { doc } = parseYaml('[007, 0x1F, true, ~, "q", 1e3]', 'f.yaml');
    const items = isSeq(doc.contents) ? doc.contents.items : [];
    expect(items.map(writtenText)).toEqual(['007', '0x1F', 'true', '~', 'q', '1e3']);
  });

  it('keepAsWritten turns numbers only, or every plain value, into their text', () => {
    const { doc } = parseYaml('a: 0123\nb: true\nc: +91987\n', 'f.yaml');
    for (const key of ['a', 'b', 'c']) keepAsWritten(doc.get(key, true), 'numbers');
    expect(doc.toJS()).toEqual({ a: '0123', b: true, c: '+91987' });
    keepAsWritten(doc.get('b', true), 'all');
    expect(doc.toJS()).toEqual({ a: '0123', b: 'true', c: '+91987' });
  });
});
