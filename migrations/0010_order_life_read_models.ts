import { type Kysely, sql } from 'kysely';

/**
 * The read models of the order's life after sync. An orders row keeps the
 * settings its order was placed under, its after-sync state as the domain
 * folds it (json: written whole, read whole) and the one-word mirroring
 * status the Orders filter finds (indexed like the other filters). A stores
 * row keeps the store's order settings and who changed them.
 *
 * The defaults are what a row without those events says; a read model built
 * from events recorded before this migration is rebuilt by `fbt-sync replay`
 * (`fbt-sync verify` names any row that differs).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders
      ADD COLUMN on_hold_orders text NOT NULL DEFAULT 'WAIT_FOR_RELEASE',
      ADD COLUMN restock_returns boolean NOT NULL DEFAULT false,
      ADD COLUMN after_sync json NOT NULL
        DEFAULT '{"cancellation":null,"facts":[],"mirrorings":[]}'::json,
      ADD COLUMN mirroring_status text NOT NULL DEFAULT 'NONE'
        CHECK (mirroring_status IN ('NONE', 'PENDING', 'MIRRORED', 'FAILED'))`.execute(db);
  await sql`CREATE INDEX orders_by_store_mirroring ON orders (store_id, mirroring_status, placed_at DESC, id DESC)`.execute(
    db,
  );
  await sql`
    ALTER TABLE stores
      ADD COLUMN on_hold_orders text NOT NULL DEFAULT 'WAIT_FOR_RELEASE',
      ADD COLUMN restock_returns boolean NOT NULL DEFAULT false,
      ADD COLUMN order_settings_updated_at timestamptz,
      ADD COLUMN order_settings_updated_by text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE stores
      DROP COLUMN on_hold_orders,
      DROP COLUMN restock_returns,
      DROP COLUMN order_settings_updated_at,
      DROP COLUMN order_settings_updated_by`.execute(db);
  await sql`DROP INDEX orders_by_store_mirroring`.execute(db);
  await sql`
    ALTER TABLE orders
      DROP COLUMN on_hold_orders,
      DROP COLUMN restock_returns,
      DROP COLUMN after_sync,
      DROP COLUMN mirroring_status`.execute(db);
}
