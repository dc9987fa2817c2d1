import type { ColumnType } from 'kysely';

/** How far reconciliation has searched TikTok Shop's orders, per store (migration 0008). */
export interface TikTokReconcileWatermarksTable {
  store_id: string;
  /** Every order TikTok updated before this has been searched and applied. */
  watermark: ColumnType<Date, Date, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** Merged into the Database interface of src/db/schema.ts. */
export interface TikTokReconcileTables {
  tiktok_reconcile_watermarks: TikTokReconcileWatermarksTable;
}
