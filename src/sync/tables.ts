import type { ColumnType } from 'kysely';

/**
 * The orders the sync reactor still has to sync: due now (OrderSyncRequested)
 * or at a retry's time (OrderSyncFailed, not final). Written only by the
 * reactor's checkpointed subscription; a row goes once the order is synced,
 * FAILED or cancelled.
 */
export interface SyncQueueTable {
  order_id: string;
  due_at: ColumnType<Date, Date | string, Date | string>;
  /** When the order was last requested (placed or released, or retried by a person): the latency's start. */
  requested_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** The correlation id of the request, carried into the reactor's events and logs. */
  correlation_id: string | null;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface SyncTables {
  sync_queue: SyncQueueTable;
}
