import { type Kysely, sql } from 'kysely';

/**
 * The mirroring reactor's queue: one row per mirroring due (requested, not
 * mirrored, not finally failed), written only by its checkpointed
 * subscription, with the checkpoint, in one transaction. `sequence` is the
 * mirroring's place among the order's requests: an order's mirrorings reach
 * the platform in the order TikTok's facts were recorded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE mirror_queue (
      order_id text NOT NULL,
      key text NOT NULL,
      sequence integer NOT NULL,
      store_id text NOT NULL,
      due_at timestamptz NOT NULL,
      requested_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (order_id, key)
    )`.execute(db);
  await sql`CREATE INDEX mirror_queue_due_at ON mirror_queue (due_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE mirror_queue`.execute(db);
}
