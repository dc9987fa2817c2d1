import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { parseCheckpoint, toCheckpoint } from '../../eventstore/checkpoint';
import type { Checkpoint } from '../../eventstore/types';
import { ORDER_STREAM_PREFIX } from '../../domain/eventCatalog';

export interface ChangedOrders {
  /** Distinct ids of the orders with events in the range, in the log's order. */
  orderIds: string[];
  /** Where the scan stopped: the range's end, or the last event read when there are more. */
  checkpoint: Checkpoint;
  hasMore: boolean;
}

/**
 * The orders that have events after `after` and up to `upTo` (a projection's
 * checkpoint, so every event in the range is committed and projected), at
 * most `limit` events scanned. Only stream ids are read, never payloads.
 */
export async function changedOrderIds(
  db: Kysely<Database>,
  after: Checkpoint,
  upTo: Checkpoint,
  limit: number,
): Promise<ChangedOrders> {
  const from = parseCheckpoint(after);
  const to = parseCheckpoint(upTo);
  const result = await sql<{ stream_id: string; transaction_id: string; global_position: string }>`
    SELECT stream_id, transaction_id::text AS transaction_id, global_position::text AS global_position
    FROM events
    WHERE (transaction_id, global_position) > (${from.transactionId}::xid8, ${from.globalPosition}::bigint)
      AND (transaction_id, global_position) <= (${to.transactionId}::xid8, ${to.globalPosition}::bigint)
    ORDER BY transaction_id, global_position
    LIMIT ${limit}`.execute(db);
  const ids = new Set<string>();
  for (const row of result.rows)
    if (row.stream_id.startsWith(ORDER_STREAM_PREFIX))
      ids.add(row.stream_id.slice(ORDER_STREAM_PREFIX.length));
  const last = result.rows[result.rows.length - 1];
  const hasMore = result.rows.length === limit;
  return {
    orderIds: [...ids],
    checkpoint: hasMore && last ? toCheckpoint(last.transaction_id, last.global_position) : upTo,
    hasMore,
  };
}
