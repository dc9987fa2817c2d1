import { type Kysely, sql } from 'kysely';

/**
 * The sync reactor's queue, and the sandbox platform (PLATFORM=sandbox): a
 * simulated e-commerce platform kept in the same database.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per order the reactor still has to sync, written only by its
  // checkpointed subscription (with the checkpoint, in one transaction), so
  // a retry scheduled for later survives a restart.
  await sql`
    CREATE TABLE sync_queue (
      order_id text PRIMARY KEY,
      due_at timestamptz NOT NULL,
      requested_at timestamptz,
      correlation_id text,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX sync_queue_due_at ON sync_queue (due_at)`.execute(db);

  // The unique (store, source identifier) pair makes creating an order twice
  // impossible, whatever races the callers run.
  await sql`
    CREATE TABLE sandbox_orders (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      store_id text NOT NULL,
      source_identifier text NOT NULL,
      order_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('AWAITING_SHIPMENT', 'FULFILLED')),
      tags text[] NOT NULL,
      line_items jsonb NOT NULL,
      currency text NOT NULL,
      total_amount numeric NOT NULL,
      inventory_behaviour text NOT NULL
        CHECK (inventory_behaviour IN ('DECREMENT_OBEYING_POLICY', 'BYPASS')),
      placed_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (store_id, source_identifier)
    )`.execute(db);
  // No CHECK (quantity >= 0): the sandbox sells beyond its stock (an unseen SKU starts at 0).
  await sql`
    CREATE TABLE sandbox_inventory (
      store_id text NOT NULL,
      sku text NOT NULL,
      quantity integer NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (store_id, sku)
    )`.execute(db);
  // One row: trouble an operator (or a test) asks the sandbox to simulate.
  await sql`
    CREATE TABLE sandbox_settings (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      unavailable_until timestamptz,
      latency_ms integer NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
      reject_skus text[] NOT NULL DEFAULT '{}'
    )`.execute(db);
  await sql`INSERT INTO sandbox_settings DEFAULT VALUES`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sandbox_settings`.execute(db);
  await sql`DROP TABLE sandbox_inventory`.execute(db);
  await sql`DROP TABLE sandbox_orders`.execute(db);
  await sql`DROP TABLE sync_queue`.execute(db);
}
