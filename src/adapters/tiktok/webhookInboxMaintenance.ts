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

/**
 * Queues failed rows again (all of them, or those named), with a fresh
 * attempt budget, once an operator fixed the cause (an access token, say).
 */
export async function requeueFailedWebhooks(
  db: Kysely<Database>,
  notificationIds?: readonly string[],
): Promise<number> {
  const only =
    notificationIds === undefined ? sql`true` : sql`notification_id = ANY(${notificationIds})`;
  const result = await sql`
    UPDATE tiktok_webhook_inbox
    SET state = 'pending', attempts = 0, next_attempt_at = now(), processed_at = NULL
    WHERE state = 'failed' AND ${only}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
