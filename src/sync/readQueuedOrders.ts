import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema';

export interface QueuedOrder {
  orderId: string;
  dueAt: Date;
  requestedAt: Date | null;
  correlationId: string | null;
}

/** The queue's first orders by due time, due or not yet, leaving out those the worker is busy with. */
export async function readQueuedOrders(
  db: Kysely<Database>,
  { limit, excluding }: { limit: number; excluding: readonly string[] },
): Promise<QueuedOrder[]> {
  const rows = await db
    .selectFrom('sync_queue')
    .select(['order_id', 'due_at', 'requested_at', 'correlation_id'])
    .$if(excluding.length > 0, (query) =>
      query.where(sql<SqlBool>`order_id <> ALL(${[...excluding]}::text[])`),
    )
    .orderBy('due_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    orderId: row.order_id,
    dueAt: row.due_at,
    requestedAt: row.requested_at,
    correlationId: row.correlation_id,
  }));
}
