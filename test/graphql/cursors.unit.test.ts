import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import {
  orderCursor,
  parseOrderCursor,
  parseStoreCursor,
  storeCursor,
} from '../../src/graphql/pagination/cursors';
import { pageOf } from '../../src/graphql/pagination/pageOf';
import { checkFirst } from '../../src/graphql/pagination/pageSize';

const badInput = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : error;
  }
  return 'no error';
};

describe('keyset cursors', () => {
  it("carry a row's sort key there and back, opaque and URL-safe", () => {
    const row = {
      placed_at: new Date('2026-11-28T10:15:00.123Z'),
      id: '719d0e48-b0e0-515e-bff0-5badb9321667',
    };
    const cursor = orderCursor(row);
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(parseOrderCursor(cursor)).toEqual({ placedAt: row.placed_at, id: row.id });
    const store = {
      created_at: new Date('2026-01-01T00:00:00.000Z'),
      id: '0b7e5c3a-9f1d-5e2b-8c4a-6d3f2e1b0a99',
    };
    expect(parseStoreCursor(storeCursor(store))).toEqual({
      createdAt: store.created_at,
      id: store.id,
    });
  });

  it('refuse what is not a cursor of the list: BAD_USER_INPUT', () => {
    const storeOne = storeCursor({
      created_at: new Date(0),
      id: '0b7e5c3a-9f1d-5e2b-8c4a-6d3f2e1b0a99',
    });
    // Ids are UUIDs: anything else (a NUL, SQL, a long string) never reaches the database.
    const notAnId = (id: string) => Buffer.from(`order:1:${id}`).toString('base64url');
    for (const cursor of [
      '',
      'garbage',
      storeOne,
      'x'.repeat(300),
      notAnId('a:b/c'),
      notAnId('\u0000'),
      notAnId("1' OR '1'='1"),
    ])
      expect(badInput(() => parseOrderCursor(cursor))).toBe('BAD_USER_INPUT');
  });
});

describe('pageOf', () => {
  const cursorOf = (n: number) => `c${n}`;
  it('shows `first` rows and says whether more follow', () => {
    expect(pageOf([1, 2, 3], 2, null, cursorOf)).toEqual({
      edges: [
        { cursor: 'c1', row: 1 },
        { cursor: 'c2', row: 2 },
      ],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c2' },
    });
    expect(pageOf([3], 2, 'c2', cursorOf).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: 'c3',
      endCursor: 'c3',
    });
    expect(pageOf([], 2, 'c3', cursorOf).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
  });
});

describe('checkFirst', () => {
  it('takes 0 to 100 (1 to 100 where a page must hold something)', () => {
    expect(checkFirst(0)).toBe(0);
    expect(checkFirst(100)).toBe(100);
    for (const first of [-1, 101, 1.5])
      expect(badInput(() => checkFirst(first))).toBe('BAD_USER_INPUT');
    expect(badInput(() => checkFirst(0, 1))).toBe('BAD_USER_INPUT');
  });
});
