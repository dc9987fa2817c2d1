import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import type { WebhookInboxRow } from './webhookTables';

export interface WebhookNotificationToRecord {
  notificationId: string;
  type: number;
  tiktokShopId: string;
  storeId: string;
  tiktokOrderId: string;
  orderStatus: string;
  /** ISO-8601. */
  statusChangedAt: string;
  body: string;
}

export type RecordedWebhook =
  | { kind: 'duplicate' }
  | {
      kind: 'inserted';
      /** Claimed for the caller (lease held, one attempt counted) so it may apply it at once. */
      row: WebhookInboxRow;
      /** An earlier notification of the same order is still pending: this one must wait its turn. */
      behind: boolean;
    };

/**
 * Writes a verified notification to the inbox, once: a redelivery of the
 * same tts_notification_id inserts nothing. The new row is born leased to
 * the caller, so the worker leaves it alone while the request applies it;
 * should the process die first, the lease runs out and the worker takes it.
 */
export async function recordWebhookNotification(
  db: Kysely<Database>,
  notification: WebhookNotificationToRecord,
  leaseMs: number,
): Promise<RecordedWebhook> {
  const n = notification;
  // The outer SELECT runs on the statement's snapshot, which does not contain
  // the row being inserted: `behind` sees only notifications that came before.
  const { rows } = await sql<WebhookInboxRow & { behind: boolean }>`
    WITH inserted AS (
      INSERT INTO tiktok_webhook_inbox (notification_id, type, tiktok_shop_id, store_id,
        tiktok_order_id, order_status, status_changed_at, body, attempts, lease_token, lease_expires_at)
      VALUES (${n.notificationId}, ${n.type}, ${n.tiktokShopId}, ${n.storeId}, ${n.tiktokOrderId},
        ${n.orderStatus}, ${n.statusChangedAt}::timestamptz, ${n.body}, 1, ${randomUUID()}::uuid,
        now() + ${leaseMs} * interval '1 millisecond')
      ON CONFLICT (notification_id) DO NOTHING
      RETURNING *
    )
    SELECT inserted.*, EXISTS (
      SELECT 1 FROM tiktok_webhook_inbox earlier
      WHERE earlier.state = 'pending' AND earlier.store_id = ${n.storeId}
        AND earlier.tiktok_order_id = ${n.tiktokOrderId}
    ) AS behind
    FROM inserted`.execute(db);
  const inserted = rows[0];
  if (inserted === undefined) return { kind: 'duplicate' };
  const { behind, ...row } = inserted;
  return { kind: 'inserted', row, behind };
}
