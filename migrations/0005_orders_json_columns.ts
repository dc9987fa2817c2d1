import { type Kysely, sql } from 'kysely';

/**
 * The orders read model keeps its documents (line items, tags, sync plan) as
 * json rather than jsonb. Nothing queries inside them: they are written whole
 * and read whole, and json costs neither way (its input only checks the text,
 * its output is the text), where jsonb parses and rebuilds every document.
 * Writing an orders row gets about three times cheaper, which is most of a
 * rebuild's time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders
      ALTER COLUMN sync_plan TYPE json USING sync_plan::json,
      ALTER COLUMN tags TYPE json USING tags::json,
      ALTER COLUMN line_items TYPE json USING line_items::json`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders
      ALTER COLUMN sync_plan TYPE jsonb USING sync_plan::jsonb,
      ALTER COLUMN tags TYPE jsonb USING tags::jsonb,
      ALTER COLUMN line_items TYPE jsonb USING line_items::jsonb`.execute(db);
}
