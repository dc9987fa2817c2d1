import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/db/schema';
import { START, toCheckpoint } from '../../src/eventstore/checkpoint';
import type { Checkpoint } from '../../src/eventstore/types';

/**
 * The checkpoint of the last event committed so far, visible or not. Not the
 * event store's headCheckpoint: the horizon is cluster-wide, so a test
 * running beside this one may hold the visible head back for a moment.
 */
export async function lastCommittedCheckpoint(db: Kysely<Database>): Promise<Checkpoint> {
  const last = await sql<{ transaction_id: string; global_position: string }>`
    SELECT transaction_id::text AS transaction_id, global_position::text AS global_position FROM events
    ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1`.execute(db);
  const row = last.rows[0];
  return row ? toCheckpoint(row.transaction_id, row.global_position) : START;
}
