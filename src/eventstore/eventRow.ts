import { sql } from 'kysely';
import { toCheckpoint } from './checkpoint';
import type { EventMetadata, RecordedEvent } from './types';

/** The recorded_at column as the read statements select it (see EventRow.recorded_at). */
export const RECORDED_AT_MS = sql`(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at`;

/** An events row as the read statements select it. */
export interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  /** Milliseconds since the epoch: a number is far cheaper to read than timestamptz text. */
  recorded_at: number;
}

/**
 * Brings a stored event of an older schema version to the current shape.
 * The one place where that happens is the domain's upcaster, passed in here.
 */
export type Upcast = (event: RecordedEvent) => RecordedEvent;

export const noUpcast: Upcast = (event) => event;

export function toRecordedEvent(row: EventRow, upcast: Upcast): RecordedEvent {
  // The row's own metadata object, completed in place: reading the log is
  // allocation-bound, and a copy per event showed up in its profile.
  const metadata = row.metadata as EventMetadata & { schemaVersion: number };
  metadata.schemaVersion ??= 1;
  return upcast({
    type: row.type,
    data: row.data,
    metadata,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    checkpoint: toCheckpoint(row.transaction_id, row.global_position),
    recordedAt: new Date(row.recorded_at),
  });
}
