import { type Kysely, sql } from 'kysely';

/**
 * The read models: projections of the event log, rebuilt from it at will.
 * Each row records the stream version it reflects, so a projection ignores
 * an event it has already applied.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE orders (
      id text PRIMARY KEY,
      store_id text NOT NULL,
      tiktok_order_id text NOT NULL,
      fulfillment_type text NOT NULL,
      platform text NOT NULL,
      applied_mode text,
      order_tag text,
      tiktok_status text NOT NULL,
      sync_status text NOT NULL,
      blocked_reason text,
      failure_reason text,
      sync_attempts integer NOT NULL,
      attempts_since_request integer NOT NULL,
      attempt_in_flight integer,
      sync_plan jsonb,
      next_attempt_at timestamptz,
      platform_order_id text,
      platform_order_status text,
      tags jsonb NOT NULL,
      inventory_deducted_from text,
      line_items jsonb NOT NULL,
      currency text NOT NULL,
      total_amount numeric NOT NULL,
      placed_at timestamptz NOT NULL,
      synced_at timestamptz,
      updated_at timestamptz NOT NULL,
      version integer NOT NULL
    )`.execute(db);
  // A store's orders newest first (keyset on placed_at, id), alone and by the contract's filters.
  await sql`CREATE INDEX orders_by_store ON orders (store_id, placed_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX orders_by_store_sync_status ON orders (store_id, sync_status, placed_at DESC, id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX orders_by_store_tiktok_status ON orders (store_id, tiktok_status, placed_at DESC, id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX orders_by_store_fulfillment ON orders (store_id, fulfillment_type, placed_at DESC, id DESC)`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX orders_by_tiktok_id ON orders (store_id, tiktok_order_id)`.execute(
    db,
  );

  // Kept in step with orders, in the same transaction: never counted per request.
  await sql`
    CREATE TABLE order_counts (
      store_id text NOT NULL,
      sync_status text NOT NULL,
      count integer NOT NULL,
      PRIMARY KEY (store_id, sync_status)
    )`.execute(db);

  await sql`
    CREATE TABLE stores (
      id text PRIMARY KEY,
      name text NOT NULL,
      tiktok_shop_id text NOT NULL,
      platform text NOT NULL,
      shop_domain text,
      plan text NOT NULL,
      fbt_mode text NOT NULL,
      fbt_order_tag text,
      fbt_updated_at timestamptz,
      fbt_updated_by text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      version integer NOT NULL
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX stores_by_tiktok_shop_id ON stores (tiktok_shop_id)`.execute(db);
  await sql`CREATE INDEX stores_by_created ON stores (created_at, id)`.execute(db);

  await sql`
    CREATE TABLE inventory_deductions (
      store_id text NOT NULL,
      sku text NOT NULL,
      location text NOT NULL,
      quantity bigint NOT NULL,
      PRIMARY KEY (store_id, sku, location)
    )`.execute(db);
  // The orders whose deduction is counted above: an order is deducted once.
  await sql`
    CREATE TABLE inventory_deducted_orders (
      order_id text PRIMARY KEY,
      store_id text NOT NULL,
      location text NOT NULL,
      version integer NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'inventory_deducted_orders',
    'inventory_deductions',
    'stores',
    'order_counts',
    'orders',
  ]) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
