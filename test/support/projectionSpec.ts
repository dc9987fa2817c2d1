import { expect } from '@jest/globals';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/db/schema';
import type { EventStore } from '../../src/eventstore/createEventStore';
import type { RecordedEvent } from '../../src/eventstore/types';
import { applyBatch, type Projection } from '../../src/projections/projection';

type Streams = Record<string, Array<{ type: string; data: object }>>;

/**
 * projectionSpec(projection, database).given(streams).then(table, where, rows):
 * the events are appended to their streams and exactly those are applied
 * through the projection (one batch, in a transaction); then the table's
 * rows where every `where` column equals its value are each compared with
 * the expected one (toMatchObject), in the order of `orderBy`.
 */
export function projectionSpec(
  projection: Projection,
  { db, eventStore }: { db: Kysely<Database>; eventStore: EventStore },
) {
  return {
    given(streams: Streams) {
      const applied = (async () => {
        const written: RecordedEvent[] = [];
        for (const [streamId, events] of Object.entries(streams)) {
          const { currentVersion } = await eventStore.readStream(streamId);
          await eventStore.appendToStream(streamId, events, { expectedVersion: 'any' });
          written.push(
            ...(await eventStore.readStream(streamId, { fromVersion: currentVersion + 1 })).events,
          );
        }
        await db.transaction().execute((trx) => applyBatch(projection, trx, 'public', written));
        return written;
      })();
      return {
        /** The events written and applied. */
        events: () => applied,
        async then(
          table: string,
          where: Record<string, string | number | boolean | null>,
          rows: Array<Record<string, unknown>>,
          orderBy = 'id',
        ): Promise<Array<Record<string, unknown>>> {
          await applied;
          const conditions = Object.entries(where).map(([column, value]) =>
            value === null ? sql`${sql.ref(column)} IS NULL` : sql`${sql.ref(column)} = ${value}`,
          );
          const { rows: actual } = await sql<Record<string, unknown>>`
            SELECT * FROM ${sql.table(table)}
            ${conditions.length > 0 ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``}
            ORDER BY ${sql.ref(orderBy)}`.execute(db);
          expect(actual).toMatchObject(rows);
          return actual;
        },
      };
    },
  };
}
