import { describe, expect, it } from '@jest/globals';
import { isCheckpoint, parseCheckpoint } from '../../src/eventstore/checkpoint';

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
