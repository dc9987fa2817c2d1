import { type Kysely, sql } from 'kysely';

/**
 * Where reconciliation with TikTok Shop's order search has got to, per
 * store: every order TikTok updated before `watermark` has been searched and
 * applied through the webhook's commands. A run searches from the watermark
 * less an overlap and moves it on only once every page was applied, so a
 * crash re-reads a window (harmless: the commands are idempotent) and never
 * skips one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tiktok_reconcile_watermarks (
      store_id text PRIMARY KEY,
      watermark timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE tiktok_reconcile_watermarks`.execute(db);
}
