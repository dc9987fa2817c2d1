import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { toCheckpoint } from './checkpoint';
import { WrongExpectedVersion } from './errors';
import { streamVersion } from './readStream';
import type { AppendResult, EventData, ExpectedVersion } from './types';
import { toJsonText, validateAppend } from './validateAppend';

const UNIQUE_VIOLATION = '23505';
/** `any` and `stream_exists` re-read the version when another writer got there first. */
const MAX_UNCONDITIONAL_ATTEMPTS = 50;

interface InsertedRow {
  global_position: string;
  transaction_id: string;
  stream_version: number;
}

/**
 * Appends events to one stream atomically, in one INSERT statement that is its
 * own transaction (so it is the first write of that transaction, and no
 * per-stream order can invert in the global log).
 *
 * The primary key (stream_id, stream_version) is the concurrency arbiter: of
 * several writers expecting the same version, exactly one inserts the next
 * version and the others hit the unique violation and get WrongExpectedVersion.
 * An exact expected version also requires that version to exist, so a writer
 * that is ahead of the stream cannot leave a hole in it.
 */
export async function appendToStream(
  db: Kysely<Database>,
  streamId: string,
  events: EventData[],
  expectedVersion: ExpectedVersion,
  defaultSchemaVersion: (type: string) => number,
): Promise<AppendResult> {
  validateAppend(streamId, events, expectedVersion);
  const types = events.map((e) => e.type);
  const data = events.map((e, i) => toJsonText(`events[${i}].data`, e.data));
  const metadata = events.map((e, i) =>
    toJsonText(`events[${i}].metadata`, {
      ...e.metadata,
      schemaVersion: e.metadata?.schemaVersion ?? defaultSchemaVersion(e.type),
    }),
  );

  for (let attempt = 1; ; attempt++) {
    let rows: InsertedRow[];
    try {
      rows = await insert(db, streamId, types, data, metadata, expectedVersion);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const unconditional = expectedVersion === 'any' || expectedVersion === 'stream_exists';
      if (unconditional && attempt < MAX_UNCONDITIONAL_ATTEMPTS) continue;
      throw new WrongExpectedVersion(streamId, expectedVersion, await streamVersion(db, streamId));
    }
    if (rows.length === 0) {
      // The guard refused: the stream is behind the expected version (or empty for stream_exists).
      throw new WrongExpectedVersion(streamId, expectedVersion, await streamVersion(db, streamId));
    }
    rows.sort((a, b) => a.stream_version - b.stream_version);
    const last = rows[rows.length - 1]!;
    return {
      nextExpectedVersion: last.stream_version,
      positions: rows.map((r) => r.global_position),
      checkpoint: toCheckpoint(last.transaction_id, last.global_position),
    };
  }
}

async function insert(
  db: Kysely<Database>,
  streamId: string,
  types: string[],
  data: string[],
  metadata: string[],
  expectedVersion: ExpectedVersion,
): Promise<InsertedRow[]> {
  const returning = sql`RETURNING global_position::text, transaction_id::text, stream_version`;

  if (typeof expectedVersion === 'number' || expectedVersion === 'no_stream') {
    const first = expectedVersion === 'no_stream' ? 0 : expectedVersion + 1;
    // An exact version must exist; no_stream needs no guard (version 0 collides if present).
    const guard =
      expectedVersion === 'no_stream'
        ? sql`true`
        : sql`EXISTS (SELECT 1 FROM events WHERE stream_id = ${streamId} AND stream_version = ${expectedVersion})`;
    if (types.length === 1) {
      const result = await sql<InsertedRow>`
        INSERT INTO events (stream_id, stream_version, type, data, metadata)
        SELECT ${streamId}, ${first}, ${types[0]}, ${data[0]}::json, ${metadata[0]}::json
        WHERE ${guard}
        ${returning}`.execute(db);
      return result.rows;
    }
    const result = await sql<InsertedRow>`
      INSERT INTO events (stream_id, stream_version, type, data, metadata)
      SELECT ${streamId}, ${first - 1} + e.ord::int, e.type, e.data, e.metadata
      FROM unnest(${types}::text[], ${data}::json[], ${metadata}::json[])
        WITH ORDINALITY AS e(type, data, metadata, ord)
      WHERE ${guard}
      ORDER BY e.ord
      ${returning}`.execute(db);
    return result.rows;
  }

  const mustExist = expectedVersion === 'stream_exists';
  const result = await sql<InsertedRow>`
    WITH current AS (
      SELECT coalesce(max(stream_version), -1) AS version FROM events WHERE stream_id = ${streamId}
    )
    INSERT INTO events (stream_id, stream_version, type, data, metadata)
    SELECT ${streamId}, current.version + e.ord::int, e.type, e.data, e.metadata
    FROM current, unnest(${types}::text[], ${data}::json[], ${metadata}::json[])
      WITH ORDINALITY AS e(type, data, metadata, ord)
    WHERE ${mustExist ? sql`current.version >= 0` : sql`true`}
    ORDER BY e.ord
    ${returning}`.execute(db);
  return result.rows;
}
