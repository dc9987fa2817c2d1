import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import type { SyncQueueChange } from './syncQueueChanges';

/** A batch's changes to the sync queue, in one statement. */
export async function applySyncQueueChanges(
  db: Kysely<Database>,
  changes: readonly SyncQueueChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const kept = (change: SyncQueueChange) => (change.remove ? null : change);
  await sql`
    WITH change AS (
      SELECT * FROM unnest(
        ${changes.map((c) => c.orderId)}::text[],
        ${changes.map((c) => c.remove)}::boolean[],
        ${changes.map((c) => kept(c)?.dueAt ?? null)}::timestamptz[],
        ${changes.map((c) => kept(c)?.requestedAt ?? null)}::timestamptz[],
        ${changes.map((c) => kept(c)?.correlationId ?? null)}::text[]
      ) AS c(order_id, remove, due_at, requested_at, correlation_id)
    ), removed AS (
      DELETE FROM sync_queue USING change
      WHERE change.remove AND sync_queue.order_id = change.order_id
    )
    INSERT INTO sync_queue (order_id, due_at, requested_at, correlation_id)
    SELECT order_id, due_at, requested_at, correlation_id FROM change WHERE NOT remove
    ON CONFLICT (order_id) DO UPDATE SET
      due_at = excluded.due_at,
      requested_at = coalesce(excluded.requested_at, sync_queue.requested_at),
      correlation_id = coalesce(excluded.correlation_id, sync_queue.correlation_id),
      updated_at = now()`.execute(db);
}
