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

/**
 * The mirrorings the mirroring reactor still has to carry out: requested (or
 * retried by a person) and due now, or due at a retry's time. Written only by
 * its checkpointed subscription from the order's folded stream; a row goes
 * once the mirroring is mirrored, FAILED or superseded.
 */
export interface MirrorQueueTable {
  order_id: string;
  /** The mirroring's key (afterSyncVocabulary.ts). */
  key: string;
  /** Its place among the order's mirrorings, in the order requested: only the first is taken. */
  sequence: number;
  store_id: string;
  due_at: ColumnType<Date, Date | string, Date | string>;
  requested_at: ColumnType<Date, Date | string, Date | string>;
  /** Attempts started so far, ever. */
  attempts: number;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface SyncTables {
  sync_queue: SyncQueueTable;
  mirror_queue: MirrorQueueTable;
}
