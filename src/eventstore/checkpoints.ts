import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { parseCheckpoint, START, toCheckpoint } from './checkpoint';
import type { Checkpoint } from './types';

/*
 * The one checkpoint store: every subscription (projections, the reactors'
 * queues, the webhook inbox's) keeps its checkpoint in subscription_checkpoints
 * through these.
 */

async function readStored(
  db: Kysely<Database>,
  name: string,
  { lock }: { lock: boolean },
): Promise<Checkpoint> {
  const { rows } = await sql<{ transaction_id: string; global_position: string }>`
    SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
    FROM subscription_checkpoints WHERE name = ${name} ${lock ? sql`FOR UPDATE` : sql``}`.execute(
    db,
  );
  const row = rows[0];
  return row ? toCheckpoint(row.transaction_id, row.global_position) : START;
}

/** A subscription's stored checkpoint, START when it has none. */
export function loadCheckpoint(db: Kysely<Database>, name: string): Promise<Checkpoint> {
  return readStored(db, name, { lock: false });
}

/**
 * The stored checkpoint, its row locked for the rest of the caller's
 * transaction (START when it has none): batches of two processes, and a
 * replay's swap, then follow one another instead of interleaving.
 */
export function lockCheckpoint(db: Kysely<Database>, name: string): Promise<Checkpoint> {
  return readStored(db, name, { lock: true });
}

/** Creates a checkpoint row at START if it is missing (so that it can be locked). */
export async function ensureCheckpoint(db: Kysely<Database>, name: string): Promise<void> {
  await sql`INSERT INTO subscription_checkpoints (name, transaction_id, global_position)
    VALUES (${name}, '0'::xid8, 0) ON CONFLICT (name) DO NOTHING`.execute(db);
}

/** Stores a subscription's checkpoint; pass a transaction to store it with the batch's writes. */
export async function storeCheckpoint(
  db: Kysely<Database>,
  name: string,
  checkpoint: Checkpoint,
): Promise<void> {
  const { transactionId, globalPosition } = parseCheckpoint(checkpoint);
  await sql`
    INSERT INTO subscription_checkpoints (name, transaction_id, global_position, updated_at)
    VALUES (${name}, ${transactionId}::xid8, ${globalPosition}::bigint, now())
    ON CONFLICT (name) DO UPDATE
      SET transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()`.execute(
    db,
  );
}
