import { describe, expect, it } from 'vitest';
import { findPhoneClashes, mergeSpans } from '../../src/roster/sessions.js';
import type { AgentId, Session } from '../../src/roster/types.js';

const session = (agent: string, phone: string, start: number, end: number): Session => ({
  agentId: agent as AgentId,
  phone,
  zone: 'Asia/Kolkata',
  start,
  end,
});

describe('mergeSpans', () => {
  it.each([
    ['nothing', [], []],
    ['one span', [[1, 2]], [[1, 2]]],
    [
      'apart',
      [
        [5, 6],
        [1, 2],
      ],
      [
        [1, 2],
        [5, 6],
      ],
    ],
    [
      'touching',
      [
        [3, 5],
        [1, 3],
      ],
      [[1, 5]],
    ],
    [
      'overlapping',
      [
        [1, 4],
        [3, 6],
      ],
      [[1, 6]],
    ],
    [
      'nested',
      [
        [1, 10],
        [2, 3],
        [4, 5],
      ],
      [[1, 10]],
    ],
    [
      'a chain',
      [
        [1, 3],
        [3, 5],
        [5, 7],
        [8, 9],
      ],
      [
        [1, 7],
        [8, 9],
      ],
    ],
  ])('%s', (_name, input, expected) => {
    const spans = input.map(([start = 0, end = 0]) => ({ start, end }));
    const copy = structuredClone(spans);
    expect(mergeSpans(spans).map(({ start, end }) => [start, end])).toEqual(expected);
    expect(spans).toEqual(copy);
  });
});

describe('findPhoneClashes', () => {
  it('lets a shared phone pass from one agent to the next at one instant', () => {
    expect(
      findPhoneClashes([session('1', 'p', 0, 10), session('2', 'p', 10, 20), session('3', 'p', 20, 30)]),
    ).toEqual([]);
  });

  it('ignores overlaps on different phones', () => {
    expect(findPhoneClashes([session('1', 'p', 0, 10), session('2', 'q', 5, 20)])).toEqual([]);
  });

  it('reports each pair once, with its first overlap and how often it happens', () => {
    const a1 = session('1', 'p', 0, 10);
    const b1 = session('2', 'p', 5, 20);
    const a2 = session('1', 'p', 100, 110);
    const b2 = session('2', 'p', 90, 101);
    const c = session('3', 'p', 15, 16);
    expect(findPhoneClashes([a2, b2, c, a1, b1])).toEqual([
      { phone: 'p', first: a1, second: b1, from: 5, to: 10, times: 2 },
      { phone: 'p', first: b1, second: c, from: 15, to: 16, times: 1 },
    ]);
  });

  it('finds an overlap with a long session that started before several others', () => {
    const long = session('1', 'p', 0, 100);
    const short = session('2', 'p', 40, 50);
    expect(findPhoneClashes([long, session('1', 'p', 100, 120), short])).toEqual([
      { phone: 'p', first: long, second: short, from: 40, to: 50, times: 1 },
    ]);
  });
});
