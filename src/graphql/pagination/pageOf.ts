import type { PageInfo } from '../types/PageInfo';

/**
 * A page from rows read with one row more than asked for: that extra row
 * only says whether a next page exists. Pages only go forward, so there are
 * items before the page exactly when it was read after a cursor.
 */
export function pageOf<Row>(
  rows: readonly Row[],
  first: number,
  after: string | null | undefined,
  cursorOf: (row: Row) => string,
): { edges: Array<{ cursor: string; row: Row }>; pageInfo: PageInfo } {
  const edges = rows.slice(0, first).map((row) => ({ cursor: cursorOf(row), row }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null && after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
