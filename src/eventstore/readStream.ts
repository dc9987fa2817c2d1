import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { EventStoreArgumentError } from './errors';
import { EVENT_COLUMNS, type RunEventQuery, toRecordedEvent, type Upcast } from './eventRow';
import type { ReadStreamOptions, ReadStreamResult, RecordedEvent } from './types';

/** The version of the stream's last event, -1 when it has none. */
export async function streamVersion(db: Kysely<Database>, streamId: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('stream_version').as('version'))
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return row?.version ?? -1;
}

export async function readStream(
  db: Kysely<Database>,
  run: RunEventQuery,
  upcast: Upcast,
  streamId: string,
  { fromVersion = 0, maxCount }: ReadStreamOptions = {},
): Promise<ReadStreamResult> {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new EventStoreArgumentError('streamId', 'must be a non-empty string');
  }
  if (!Number.isSafeInteger(fromVersion) || fromVersion < 0) {
    throw new EventStoreArgumentError('fromVersion', 'must be an integer >= 0');
  }
  if (maxCount !== undefined && (!Number.isSafeInteger(maxCount) || maxCount < 1)) {
    throw new EventStoreArgumentError('maxCount', 'must be an integer >= 1');
  }
  const limit = maxCount === undefined ? sql`` : sql`LIMIT ${maxCount}`;
  // The stream's version comes along in the same statement, so a partial read still knows it.
  const rows = await run(sql`
    SELECT ${EVENT_COLUMNS},
      (SELECT max(stream_version) FROM events WHERE stream_id = ${streamId}) AS current_version
    FROM events
    WHERE stream_id = ${streamId} AND stream_version >= ${fromVersion}
    ORDER BY events.stream_version
    ${limit}`);
  const currentVersion =
    (rows[0]?.[8] as number | undefined) ??
    (fromVersion === 0 ? -1 : await streamVersion(db, streamId));
  return { events: rows.map((row) => toRecordedEvent(row, upcast)), currentVersion };
}

/** Several whole streams in one statement (for DataLoader); each in version order. */
export async function readStreams(
  run: RunEventQuery,
  upcast: Upcast,
  streamIds: readonly string[],
): Promise<Map<string, RecordedEvent[]>> {
  const byStream = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
  if (streamIds.length === 0) return byStream;
  const rows = await run(sql`
    SELECT ${EVENT_COLUMNS} FROM events
    WHERE stream_id = ANY(${[...streamIds]}::text[])
    ORDER BY events.stream_id, events.stream_version`);
  for (const row of rows) byStream.get(row[2])?.push(toRecordedEvent(row, upcast));
  return byStream;
}
