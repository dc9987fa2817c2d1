import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import type { MirrorQueueRow } from './mirrorQueueRows';

/** Replaces the queue rows of these orders by the rows given, in one statement. */
export async function applyMirrorQueueRows(
  db: Kysely<Database>,
  orderIds: readonly string[],
  rows: readonly MirrorQueueRow[],
): Promise<void> {
  if (orderIds.length === 0) return;
  await sql`
    WITH kept AS (
      SELECT * FROM unnest(
        ${rows.map((r) => r.orderId)}::text[],
        ${rows.map((r) => r.key)}::text[],
        ${rows.map((r) => r.sequence)}::integer[],
        ${rows.map((r) => r.storeId)}::text[],
        ${rows.map((r) => r.dueAt)}::timestamptz[],
        ${rows.map((r) => r.requestedAt)}::timestamptz[],
        ${rows.map((r) => r.attempts)}::integer[]
      ) AS k(order_id, key, sequence, store_id, due_at, requested_at, attempts)
    ), removed AS (
      DELETE FROM mirror_queue q
      WHERE q.order_id = ANY(${[...orderIds]}::text[])
        AND NOT EXISTS (SELECT 1 FROM kept WHERE kept.order_id = q.order_id AND kept.key = q.key)
    )
    INSERT INTO mirror_queue (order_id, key, sequence, store_id, due_at, requested_at, attempts)
    SELECT order_id, key, sequence, store_id, due_at, requested_at, attempts FROM kept
    ON CONFLICT (order_id, key) DO UPDATE SET
      sequence = excluded.sequence,
      due_at = excluded.due_at,
      requested_at = excluded.requested_at,
      attempts = excluded.attempts,
      updated_at = now()`.execute(db);
}
