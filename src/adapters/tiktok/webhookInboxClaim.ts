import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import type { WebhookInboxRow } from './webhookTables';

/**
 * A pending row is workable only at the head of its order: notifications of
 * one order are applied in the order they came, never two at once.
 */
const isHeadOfItsOrder = sql`NOT EXISTS (
  SELECT 1 FROM tiktok_webhook_inbox earlier
  WHERE earlier.state = 'pending' AND earlier.store_id = i.store_id
    AND earlier.tiktok_order_id = i.tiktok_order_id AND earlier.sequence < i.sequence)`;

/**
 * Takes the oldest workable row that is due and not leased, under a lease of
 * `leaseMs`, counting one attempt. SKIP LOCKED lets several claimers run at
 * once without waiting on each other; the lease (not a held transaction)
 * keeps the row theirs while they call TikTok, so no connection stays busy.
 */
export async function claimNextWebhook(
  db: Kysely<Database>,
  leaseMs: number,
): Promise<WebhookInboxRow | undefined> {
  const { rows } = await sql<WebhookInboxRow>`
    UPDATE tiktok_webhook_inbox AS claimed
    SET lease_token = ${randomUUID()}::uuid,
      lease_expires_at = now() + ${leaseMs} * interval '1 millisecond',
      attempts = claimed.attempts + 1
    WHERE claimed.notification_id = (
      SELECT i.notification_id FROM tiktok_webhook_inbox i
      WHERE i.state = 'pending' AND i.next_attempt_at <= now()
        AND (i.lease_expires_at IS NULL OR i.lease_expires_at <= now())
        AND ${isHeadOfItsOrder}
      ORDER BY i.sequence
      LIMIT 1
      FOR UPDATE SKIP LOCKED)
    RETURNING claimed.*`.execute(db);
  return rows[0];
}

/** Milliseconds until a workable row is due (0: now), or null when nothing is pending. */
export async function nextWebhookDueInMs(db: Kysely<Database>): Promise<number | null> {
  // Not greatest(0, …) in SQL: GREATEST skips NULLs, and would turn "nothing pending" into "due now".
  const { rows } = await sql<{ due_in_ms: number | null }>`
    SELECT (extract(epoch FROM
      min(greatest(i.next_attempt_at, coalesce(i.lease_expires_at, i.next_attempt_at))) - now()
    ) * 1000)::float8 AS due_in_ms
    FROM tiktok_webhook_inbox i
    WHERE i.state = 'pending' AND ${isHeadOfItsOrder}`.execute(db);
  const dueInMs = rows[0]?.due_in_ms ?? null;
  return dueInMs === null ? null : Math.max(0, dueInMs);
}
