import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compareCheckpoints, isCheckpoint, parseCheckpoint } from '../../src/eventstore/checkpoint';
import type { Checkpoint } from '../../src/eventstore/types';

describe('checkpoints', () => {
  it.each(['0/0', '812/3', '18446744073709551615/9223372036854775807'])('%s is one', (text) => {
    expect(isCheckpoint(text)).toBe(true);
    expect(() => parseCheckpoint(text)).not.toThrow();
  });

  // A transaction id is an xid8 (unsigned 64 bits), a position a bigint:
  // beyond them PostgreSQL would refuse the read instead of the argument check.
  it.each([
    '18446744073709551616/1',
    '1/9223372036854775808',
    '1/9999999999999999999',
    '1/',
    '/1',
    '-1/1',
    '1/1/1',
    '',
  ])('%j is not one', (text) => {
    expect(isCheckpoint(text)).toBe(false);
    expect(() => parseCheckpoint(text)).toThrow('not a checkpoint');
  });
});

describe('compareCheckpoints', () => {
  const cp = (text: string) => text as Checkpoint;
  it.each([
    ['0/0', '0/0', 0],
    ['1/5', '1/5', 0],
    ['1/5', '1/6', -1],
    ['1/10', '1/9', 1],
    ['2/1', '10/1', -1],
    ['10/1', '9/1000', 1],
    ['007/1', '7/01', 0],
    ['18446744073709551615/1', '18446744073709551614/9223372036854775807', 1],
  ])('%s against %s is %i', (a, b, expected) => {
    expect(compareCheckpoints(cp(a), cp(b))).toBe(expected);
    expect(compareCheckpoints(cp(b), cp(a))).toBe(-expected || 0);
  });

  it('agrees with comparing the numbers (fast-check)', () => {
    const part = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(part, part, part, part, (t1, p1, t2, p2) => {
        const expected = t1 !== t2 ? (t1 < t2 ? -1 : 1) : p1 === p2 ? 0 : p1 < p2 ? -1 : 1;
        expect(compareCheckpoints(cp(`${t1}/${p1}`), cp(`${t2}/${p2}`))).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
