import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';

/** Every order TikTok updated before the returned instant has been applied; null before a first run. */
export async function readReconcileWatermark(
  db: Kysely<Database>,
  storeId: string,
): Promise<Date | null> {
  const row = await db
    .selectFrom('tiktok_reconcile_watermarks')
    .select('watermark')
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  return row?.watermark ?? null;
}

/** Moves the store's watermark on to `to`; never back (a `--since` run over old ground leaves it). */
export async function advanceReconcileWatermark(
  db: Kysely<Database>,
  storeId: string,
  to: Date,
): Promise<Date> {
  const row = await db
    .insertInto('tiktok_reconcile_watermarks')
    .values({ store_id: storeId, watermark: to, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column('store_id').doUpdateSet({
        watermark: sql<Date>`greatest(tiktok_reconcile_watermarks.watermark, excluded.watermark)`,
        updated_at: sql<Date>`excluded.updated_at`,
      }),
    )
    .returning('watermark')
    .executeTakeFirstOrThrow();
  return row.watermark;
}

/** Seconds from each store's watermark to now, for the lag gauge. */
export async function readReconcileWatermarkLags(
  db: Kysely<Database>,
): Promise<Array<{ storeId: string; lagSeconds: number }>> {
  const { rows } = await sql<{ store_id: string; lag: number }>`
    SELECT store_id, extract(epoch FROM now() - watermark)::float8 AS lag
    FROM tiktok_reconcile_watermarks`.execute(db);
  return rows.map((row) => ({ storeId: row.store_id, lagSeconds: Math.max(0, row.lag) }));
}
