import type { OrderKey } from '../../projections/read/readOrderPages';
import type { StoreKey } from '../../projections/read/readStoresPage';
import { badUserInput } from '../errors';

/**
 * Opaque keyset cursors: the sort key of the row they follow (an instant in
 * milliseconds and a UUID), base64url-encoded, tagged by the list they belong
 * to. Clients pass them back unchanged; they never need to look inside.
 */
const encode = (tag: string, at: Date, id: string) =>
  Buffer.from(`${tag}:${at.getTime()}:${id}`).toString('base64url');

function decode(tag: string, cursor: string): { at: Date; id: string } {
  const text = cursor.length > 200 ? '' : Buffer.from(cursor, 'base64url').toString();
  const match =
    /^([a-z]+):(\d{1,15}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
      text,
    );
  if (!match || match[1] !== tag)
    throw badUserInput(
      'after',
      `after is not a cursor of this list: ${JSON.stringify(cursor.slice(0, 200))}`,
    );
  return { at: new Date(Number(match[2])), id: match[3]! };
}

export const orderCursor = (row: { placed_at: Date; id: string }) =>
  encode('order', row.placed_at, row.id);

export function parseOrderCursor(cursor: string): OrderKey {
  const { at, id } = decode('order', cursor);
  return { placedAt: at, id };
}

export const storeCursor = (row: { created_at: Date; id: string }) =>
  encode('store', row.created_at, row.id);

export function parseStoreCursor(cursor: string): StoreKey {
  const { at, id } = decode('store', cursor);
  return { createdAt: at, id };
}
