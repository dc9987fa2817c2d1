import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema';

export interface QueuedMirroring {
  orderId: string;
  key: string;
  dueAt: Date;
}

/** Names a queued mirroring for the worker's books. */
export const mirroringId = (m: { orderId: string; key: string }): string => `${m.orderId} ${m.key}`;

/**
 * The queue's first mirrorings by due time, due or not yet, leaving out
 * those the worker is busy with and every other of their orders: one
 * attempt at a time per order, as each appends to the order's stream.
 */
export async function readQueuedMirrorings(
  db: Kysely<Database>,
  { limit, excludingOrders }: { limit: number; excludingOrders: readonly string[] },
): Promise<QueuedMirroring[]> {
  const rows = await db
    .selectFrom('mirror_queue')
    .select(['order_id', 'key', 'due_at'])
    .$if(excludingOrders.length > 0, (query) =>
      query.where(sql<SqlBool>`order_id <> ALL(${[...excludingOrders]}::text[])`),
    )
    .orderBy('due_at')
    .orderBy('requested_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ orderId: row.order_id, key: row.key, dueAt: row.due_at }));
}
