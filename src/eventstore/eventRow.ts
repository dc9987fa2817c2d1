import { type Kysely, type RawBuilder, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from '../db/schema';
import { toCheckpoint } from './checkpoint';
import type { EventMetadata, RecordedEvent } from './types';

/**
 * The columns every read of events selects, in this order (a row is read by
 * position). recorded_at comes as epoch milliseconds: a number is far cheaper
 * to read than timestamptz text.
 */
export const EVENT_COLUMNS = sql`global_position::text AS global_position, transaction_id::text AS transaction_id,
  stream_id, stream_version, type, data, metadata,
  (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at`;

/** An events row as EVENT_COLUMNS selects it, with what a statement adds after. */
export type EventRow = [
  globalPosition: string,
  transactionId: string,
  streamId: string,
  streamVersion: number,
  type: string,
  data: unknown,
  metadata: EventMetadata | null,
  recordedAtMs: number,
  ...extra: unknown[],
];

/** Runs a statement that selects EVENT_COLUMNS and returns its rows by position. */
export type RunEventQuery = (query: RawBuilder<unknown>) => Promise<EventRow[]>;

/**
 * Reading the log is allocation-bound: with the pool at hand, rows come as
 * arrays (no object per row); without it, through kysely, as objects whose
 * values are in select order.
 */
export function eventQueryRunner(db: Kysely<Database>, pool?: pg.Pool): RunEventQuery {
  if (pool) {
    return async (query) => {
      const { sql: text, parameters } = query.compile(db);
      const result = await pool.query<EventRow>({
        text,
        values: [...parameters],
        rowMode: 'array',
      });
      return result.rows;
    };
  }
  return async (query) => {
    const result = await query.execute(db);
    return (result.rows as Array<Record<string, unknown>>).map(
      (row) => Object.values(row) as EventRow,
    );
  };
}

/**
 * Brings a stored event of an older schema version to the current shape.
 * The one place where that happens is the domain's upcaster, passed in here.
 */
export type Upcast = (event: RecordedEvent) => RecordedEvent;

export const noUpcast: Upcast = (event) => event;

export function toRecordedEvent(row: EventRow, upcast: Upcast): RecordedEvent {
  // The row's own metadata object, completed in place: one object fewer per event.
  const metadata = (row[6] ?? {}) as EventMetadata & { schemaVersion: number };
  metadata.schemaVersion ??= 1;
  return upcast({
    type: row[4],
    data: row[5],
    metadata,
    streamId: row[2],
    streamVersion: row[3],
    globalPosition: row[0],
    checkpoint: toCheckpoint(row[1], row[0]),
    recordedAt: new Date(row[7]),
  });
}
