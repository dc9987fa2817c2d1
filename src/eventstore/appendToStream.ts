import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
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
  run: RunAppend,
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
      rows = await insert(run, streamId, types, data, metadata, expectedVersion);
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

const COLUMNS = 'INSERT INTO events (stream_id, stream_version, type, data, metadata)';
const RETURNING = 'RETURNING global_position::text, transaction_id::text, stream_version';
const FROM_ARRAYS =
  'FROM unnest($3::text[], $4::json[], $5::json[]) WITH ORDINALITY AS e(type, data, metadata, ord)';

/**
 * The four shapes of an append, as fixed statements with parameters: through
 * the pool each is prepared once per connection (parsed and planned once),
 * then only bound and run.
 */
const STATEMENTS = {
  /** One event, no_stream: version 0 collides if the stream exists, so no guard is needed. */
  oneNew: `${COLUMNS} VALUES ($1, 0, $2, $3::json, $4::json) ${RETURNING}`,
  /** One event after an exact version, which must exist ($2). */
  oneAfter: `${COLUMNS} SELECT $1, $2::int + 1, $3, $4::json, $5::json
    WHERE EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND stream_version = $2::int) ${RETURNING}`,
  /** Many events after an exact version ($2; -1 for no_stream, which needs no guard). */
  manyAfter: `${COLUMNS} SELECT $1, $2::int + e.ord::int, e.type, e.data, e.metadata ${FROM_ARRAYS}
    WHERE $2::int < 0 OR EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND stream_version = $2::int)
    ORDER BY e.ord ${RETURNING}`,
  /** any ($2 false) or stream_exists ($2 true): after whatever version the stream has. */
  unconditional: `WITH current AS (
      SELECT coalesce(max(stream_version), -1) AS version FROM events WHERE stream_id = $1
    )
    ${COLUMNS} SELECT $1, current.version + e.ord::int, e.type, e.data, e.metadata
    FROM current, unnest($3::text[], $4::json[], $5::json[]) WITH ORDINALITY AS e(type, data, metadata, ord)
    WHERE NOT $2::boolean OR current.version >= 0
    ORDER BY e.ord ${RETURNING}`,
} as const;

export type AppendStatement = keyof typeof STATEMENTS;

/** Runs one of the append statements with its parameters and returns its rows. */
export type RunAppend = (name: AppendStatement, values: unknown[]) => Promise<InsertedRow[]>;

/**
 * With the pool, statements are named (pg prepares a named statement once per
 * connection); without it, they go through kysely as they are. The connection
 * goes back to the pool after a refused statement too (pool.query would close
 * it: a conflict on a hot stream would cost a new connection); one that broke
 * is dropped by the pool itself.
 */
export function appendRunner(db: Kysely<Database>, pool?: pg.Pool): RunAppend {
  if (pool) {
    return async (name, values) => {
      const client = await pool.connect();
      try {
        const text = STATEMENTS[name];
        return (await client.query<InsertedRow>({ name: `fbt_append_${name}`, text, values })).rows;
      } finally {
        client.release();
      }
    };
  }
  return async (name, values) =>
    (await db.executeQuery<InsertedRow>(CompiledQuery.raw(STATEMENTS[name], values))).rows;
}

function insert(
  run: RunAppend,
  streamId: string,
  types: string[],
  data: string[],
  metadata: string[],
  expectedVersion: ExpectedVersion,
): Promise<InsertedRow[]> {
  if (expectedVersion === 'any' || expectedVersion === 'stream_exists') {
    return run('unconditional', [
      streamId,
      expectedVersion === 'stream_exists',
      types,
      data,
      metadata,
    ]);
  }
  if (types.length === 1) {
    return expectedVersion === 'no_stream'
      ? run('oneNew', [streamId, types[0], data[0], metadata[0]])
      : run('oneAfter', [streamId, expectedVersion, types[0], data[0], metadata[0]]);
  }
  const after = expectedVersion === 'no_stream' ? -1 : expectedVersion;
  return run('manyAfter', [streamId, after, types, data, metadata]);
}
