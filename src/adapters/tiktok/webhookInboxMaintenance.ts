import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';

/**
 * Deletes done rows processed more than `olderThanMs` ago. They only serve
 * deduplication, and TikTok stops redelivering long before; a redelivery
 * after that would still change nothing, the domain being idempotent.
 * Failed rows are kept: they are the operators' to look at.
 */
export async function pruneDoneWebhooks(
  db: Kysely<Database>,
  olderThanMs: number,
): Promise<number> {
  const result = await sql`
    DELETE FROM tiktok_webhook_inbox
    WHERE state = 'done' AND processed_at < now() - ${olderThanMs} * interval '1 millisecond'`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}

/** A webhook we accepted and could not apply, as operators look at it. */
export interface FailedWebhook {
  notificationId: string;
  storeId: string;
  tiktokOrderId: string;
  orderStatus: string;
  statusChangedAt: string;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  failedAt: string | null;
}

/** Failed rows in arrival order. */
export async function listFailedWebhooks(db: Kysely<Database>): Promise<FailedWebhook[]> {
  const result = await sql<FailedWebhook>`
    SELECT notification_id AS "notificationId", store_id AS "storeId",
      tiktok_order_id AS "tiktokOrderId", order_status AS "orderStatus",
      to_json(status_changed_at) #>> '{}' AS "statusChangedAt", attempts,
      last_error AS "lastError", to_json(received_at) #>> '{}' AS "receivedAt",
      to_json(processed_at) #>> '{}' AS "failedAt"
    FROM tiktok_webhook_inbox WHERE state = 'failed' ORDER BY sequence`.execute(db);
  return result.rows;
}

/**
 * Queues failed rows again (all of them, or those named), with a fresh
 * attempt budget, once an operator fixed the cause (an access token, say).
 * Returns the notification ids queued again; a named row that is not failed
 * is left as it is.
 */
export async function requeueFailedWebhooks(
  db: Kysely<Database>,
  notificationIds?: readonly string[],
): Promise<string[]> {
  const only =
    notificationIds === undefined ? sql`true` : sql`notification_id = ANY(${notificationIds})`;
  const result = await sql<{ notification_id: string }>`
    UPDATE tiktok_webhook_inbox
    SET state = 'pending', attempts = 0, next_attempt_at = now(), processed_at = NULL
    WHERE state = 'failed' AND ${only}
    RETURNING notification_id`.execute(db);
  return result.rows.map((row) => row.notification_id);
}
