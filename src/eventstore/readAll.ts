import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { parseCheckpoint, START, toCheckpoint } from './checkpoint';
import { EventStoreArgumentError } from './errors';
import { EVENT_COLUMNS, type RunEventQuery, toRecordedEvent, type Upcast } from './eventRow';
import type { Checkpoint, ReadAllOptions, ReadAllResult } from './types';

export const DEFAULT_READ_ALL_LIMIT = 1000;
export const MAX_READ_ALL_LIMIT = 10_000;

/**
 * The global log in its gap-safe order.
 *
 * Positions come from a sequence, so a transaction can take a lower position
 * and commit after one with a higher position. A reader that went by position
 * alone would pass the slower transaction's events and never come back. So
 * the log is read in (transaction_id, global_position) order, and only below
 * the oldest transaction still running anywhere in the cluster
 * (pg_snapshot_xmin): every transaction below that horizon has ended, so
 * nothing can appear behind the reader any more.
 */
export async function readAll(
  run: RunEventQuery,
  upcast: Upcast,
  { after = START, limit = DEFAULT_READ_ALL_LIMIT, types, streamPrefix }: ReadAllOptions = {},
): Promise<ReadAllResult> {
  const from = parseCheckpoint(after);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_READ_ALL_LIMIT) {
    throw new EventStoreArgumentError(
      'limit',
      `must be an integer from 1 to ${MAX_READ_ALL_LIMIT}`,
    );
  }
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string'))) {
    throw new EventStoreArgumentError('types', 'must be an array of strings');
  }
  if (streamPrefix !== undefined && typeof streamPrefix !== 'string') {
    throw new EventStoreArgumentError('streamPrefix', 'must be a string');
  }
  const filtered = (types !== undefined && types.length > 0) || Boolean(streamPrefix);
  // ORDER BY names the table's columns: the selected ones are cast to text under the same names.
  const visible = sql`(transaction_id, global_position) > (${from.transactionId}::xid8, ${from.globalPosition}::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

  if (!filtered) {
    const rows = await run(sql`
      SELECT ${EVENT_COLUMNS}
      FROM events WHERE ${visible}
      ORDER BY events.transaction_id, events.global_position
      LIMIT ${limit}`);
    const events = rows.map((row) => toRecordedEvent(row, upcast));
    return {
      events,
      checkpoint: events.length > 0 ? events[events.length - 1]!.checkpoint : after,
      hasMore: rows.length === limit,
    };
  }

  // Scan `limit` events and return the ones that match; the checkpoint moves past
  // the whole scan, so a filtered reader never scans the same events twice.
  // Events that do not match come back without their payload.
  const matches = sql.join(
    [
      types !== undefined && types.length > 0
        ? sql`type = ANY(${Array.from(types as readonly string[])}::text[])`
        : sql`true`,
      streamPrefix ? sql`starts_with(stream_id, ${streamPrefix})` : sql`true`,
    ],
    sql` AND `,
  );
  const rows = await run(sql`
    SELECT global_position::text AS global_position, transaction_id::text AS transaction_id,
      stream_id, stream_version, type,
      CASE WHEN m THEN data END AS data, CASE WHEN m THEN metadata END AS metadata,
      (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at, m AS matches
    FROM (
      SELECT *, (${matches}) AS m FROM events WHERE ${visible}
      ORDER BY transaction_id, global_position
      LIMIT ${limit}
    ) scanned
    ORDER BY scanned.transaction_id, scanned.global_position`);
  const last = rows[rows.length - 1];
  return {
    events: rows.filter((row) => row[8] === true).map((row) => toRecordedEvent(row, upcast)),
    checkpoint: last ? toCheckpoint(last[1], last[0]) : after,
    hasMore: rows.length === limit,
  };
}

/** The checkpoint just after the event at this global position, or null when no event has it. */
export async function checkpointAtPosition(
  db: Kysely<Database>,
  position: string,
): Promise<Checkpoint | null> {
  if (!/^\d{1,19}$/.test(position)) {
    throw new EventStoreArgumentError(
      'position',
      `must be a decimal global position, got ${JSON.stringify(position)}`,
    );
  }
  if (BigInt(position) === 0n) return START;
  const row = await sql<{ transaction_id: string }>`
    SELECT transaction_id::text AS transaction_id FROM events WHERE global_position = ${position}::bigint`.execute(
    db,
  );
  const found = row.rows[0];
  return found ? toCheckpoint(found.transaction_id, position) : null;
}

/** The checkpoint of the last event a reader can see now (START for an empty log). */
export async function headCheckpoint(db: Kysely<Database>): Promise<Checkpoint> {
  const result = await sql<{ transaction_id: string; global_position: string }>`
    SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
    FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1`.execute(db);
  const row = result.rows[0];
  return row ? toCheckpoint(row.transaction_id, row.global_position) : START;
}

/** Visible events after a checkpoint: a projection's lag. */
export async function countAfter(db: Kysely<Database>, after: Checkpoint): Promise<number> {
  const from = parseCheckpoint(after);
  const result = await sql<{ count: string }>`
    SELECT count(*)::text AS count FROM events
    WHERE (transaction_id, global_position) > (${from.transactionId}::xid8, ${from.globalPosition}::bigint)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`.execute(db);
  return Number(result.rows[0]?.count ?? 0);
}
