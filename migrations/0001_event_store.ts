import { type Kysely, sql } from 'kysely';

/**
 * The event log. (stream_id, stream_version) is the primary key, so the
 * database itself arbitrates concurrent appends to one stream. Each row is
 * stamped with its transaction's xid8, and readers of the global log order by
 * (transaction_id, global_position) below the oldest running transaction, so
 * they never pass an event that a still-open transaction will commit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE events (
      global_position bigint GENERATED ALWAYS AS IDENTITY,
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      stream_id text NOT NULL,
      stream_version integer NOT NULL CHECK (stream_version >= 0),
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (stream_id, stream_version)
    )`.execute(db);
  // Positions come from an identity column, so they are unique without a unique
  // index; the rows lie in position order on disk, so a small BRIN index finds
  // one by position (cursor look-ups) at almost no cost to appends.
  await sql`CREATE INDEX events_global_position ON events USING brin (global_position)`.execute(db);
  await sql`CREATE INDEX events_transaction_position ON events (transaction_id, global_position)`.execute(
    db,
  );
  // The log is append-only: refuse UPDATE and DELETE in the database itself.
  await sql`
    CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the event log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only()`.execute(db);

  await sql`
    CREATE TABLE subscription_checkpoints (
      name text PRIMARY KEY,
      transaction_id xid8 NOT NULL,
      global_position bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE subscription_checkpoints`.execute(db);
  await sql`DROP TABLE events`.execute(db);
  await sql`DROP FUNCTION events_are_append_only`.execute(db);
}
