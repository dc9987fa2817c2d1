import { sql } from 'kysely';
import { SYNC_REACTOR } from '../../src/sync/subscribeSyncQueue';
import type { TestDatabase } from '../support/database';
import { eventually, type OrderView } from './fbtSyncApi';

/**
 * Waits until the sync reactor's checkpoint has passed the last event of the
 * stream, then says whether the order sits in the sync queue. Read-only SQL:
 * the API has no window on the reactor. Once the reactor has read an order's
 * events and not queued it, nothing can take the order to the platform until
 * a new event comes, so "nothing on the platform" is then a fact, not a guess
 * made after a sleep.
 */
export async function syncReactorHasRead(
  database: TestDatabase,
  order: Pick<OrderView, 'id' | 'history'>,
): Promise<{ queued: boolean }> {
  const streamId = order.history[0]!.streamId;
  return eventually(
    async () => {
      const { rows } = await sql<{ read: boolean; queued: boolean }>`
        SELECT
          EXISTS (
            SELECT 1 FROM subscription_checkpoints c,
              (SELECT transaction_id, global_position FROM events WHERE stream_id = ${streamId}
               ORDER BY stream_version DESC LIMIT 1) e
            WHERE c.name = ${SYNC_REACTOR}
              AND (c.transaction_id, c.global_position) >= (e.transaction_id, e.global_position)
          ) AS read,
          EXISTS (
            SELECT 1 FROM sync_queue WHERE order_id = ${order.id}
          ) AS queued`.execute(database.db);
      const row = rows[0]!;
      return row.read ? { queued: row.queued } : undefined;
    },
    () => `the sync reactor to read stream ${streamId}`,
  );
}
