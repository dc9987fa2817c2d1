import { describe, expect, it } from '@jest/globals';
import { parseInstant } from '../../src/graphql/edge/parseInstant';

describe('parseInstant', () => {
  it.each([
    ['2026-11-28T10:15:00.000Z', '2026-11-28T10:15:00.000Z'],
    ['2026-11-28T10:15:00Z', '2026-11-28T10:15:00.000Z'],
    ['2026-11-28T10:15Z', '2026-11-28T10:15:00.000Z'],
    ['2026-11-28T11:15:00+01:00', '2026-11-28T10:15:00.000Z'],
    ['2026-11-28T05:15:00.5-05:00', '2026-11-28T10:15:00.500Z'],
    ['2026-11-28T10:15:00.123456789Z', '2026-11-28T10:15:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00.000Z'],
  ])('reads %s as %s', (text, instant) => {
    expect(parseInstant(text)).toBe(instant);
  });

  it.each([
    '2026-11-28T10:15:00', // no time zone
    '2026-11-28', // no time
    '2026-11-28 10:15:00Z',
    '2026-02-30T00:00:00Z', // Date.parse would roll this over into March
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-28T24:00:00Z',
    '2026-11-28T10:60:00Z',
    '2026-11-28T10:15:60Z',
    '2026-11-28T10:15:00+0100',
    '2026-11-28T10:15:00+24:00',
    'yesterday',
    '',
    '0001-01-01T00:30:00+01:00', // year 0 in UTC: PostgreSQL has no year 0
    '0000-06-01T00:00:00Z',
  ])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});
