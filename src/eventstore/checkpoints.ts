import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { parseCheckpoint, START, toCheckpoint } from './checkpoint';
import type { Checkpoint } from './types';

/** A subscription's stored checkpoint, START when it has none. */
export async function loadCheckpoint(db: Kysely<Database>, name: string): Promise<Checkpoint> {
  const row = await db
    .selectFrom('subscription_checkpoints')
    .select([
      sql<string>`transaction_id::text`.as('transaction_id'),
      sql<string>`global_position::text`.as('global_position'),
    ])
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toCheckpoint(row.transaction_id, row.global_position) : START;
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
