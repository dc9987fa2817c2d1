import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { START, toCheckpoint, positionOf } from '../eventstore/checkpoint';
import type { EventStore } from '../eventstore/createEventStore';
import type { Checkpoint } from '../eventstore/types';
import type { Projection } from './projection';
import { projectionCheckpointName } from './projection';

/** The NOTIFY channel on which a projection batch or a replay's swap says the read models moved. */
export const READ_MODELS_CHANNEL = 'fbt_read_models';

/**
 * Tells every API process, at the commit of the caller's transaction, that
 * the read models moved: queries waiting to read their own writes look again.
 */
export async function announceReadModelsMoved(trx: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_notify(${READ_MODELS_CHANNEL}, '')`.execute(trx);
}

export interface ProjectionStatus {
  name: string;
  /** Global position of the last event it has applied ("0" before any). */
  position: string;
  checkpoint: Checkpoint;
  /** Visible events in the log after its checkpoint (of any type). */
  lag: number;
}

export async function projectionStatuses(
  db: Kysely<Database>,
  eventStore: EventStore,
  projections: readonly Projection[],
): Promise<ProjectionStatus[]> {
  const rows = await db
    .selectFrom('subscription_checkpoints')
    .select([
      'name',
      sql<string>`transaction_id::text`.as('transaction_id'),
      sql<string>`global_position::text`.as('global_position'),
    ])
    .where(
      'name',
      'in',
      projections.map((p) => projectionCheckpointName(p.name)),
    )
    .execute();
  const byName = new Map(
    rows.map((r) => [r.name, toCheckpoint(r.transaction_id, r.global_position)]),
  );
  return Promise.all(
    projections.map(async (p) => {
      const checkpoint = byName.get(projectionCheckpointName(p.name)) ?? START;
      return {
        name: p.name,
        position: positionOf(checkpoint),
        checkpoint,
        lag: await eventStore.countAfter(checkpoint),
      };
    }),
  );
}
