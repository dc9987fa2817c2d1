import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import type { WebhookInboxOutcome } from './webhookTables';

/** A row as its claimer holds it; every settlement checks the lease is still theirs. */
export interface WebhookLease {
  notificationId: string;
  leaseToken: string;
}

function heldBy(lease: WebhookLease) {
  return sql`notification_id = ${lease.notificationId} AND lease_token = ${lease.leaseToken}::uuid
    AND state = 'pending'`;
}

/**
 * Applied. Resolves to the seconds from receipt to now, or undefined when the
 * lease was lost meanwhile (someone else applied it too, which is harmless:
 * applying a notification twice changes nothing the second time).
 */
export async function completeWebhook(
  db: Kysely<Database>,
  lease: WebhookLease,
  outcome: WebhookInboxOutcome,
): Promise<number | undefined> {
  const { rows } = await sql<{ seconds: number }>`
    UPDATE tiktok_webhook_inbox
    SET state = 'done', outcome = ${outcome}, processed_at = now(),
      lease_token = NULL, lease_expires_at = NULL
    WHERE ${heldBy(lease)}
    RETURNING extract(epoch FROM processed_at - received_at)::float8 AS seconds`.execute(db);
  return rows[0]?.seconds;
}

/** Try again after `delayMs`; the reason stays in last_error for operators. */
export async function retryWebhookLater(
  db: Kysely<Database>,
  lease: WebhookLease,
  reason: string,
  delayMs: number,
): Promise<void> {
  await sql`
    UPDATE tiktok_webhook_inbox
    SET next_attempt_at = now() + ${delayMs} * interval '1 millisecond', last_error = ${reason},
      lease_token = NULL, lease_expires_at = NULL
    WHERE ${heldBy(lease)}`.execute(db);
}

/** Given up: kept with its reason, so operators can see it and queue it again. */
export async function failWebhook(
  db: Kysely<Database>,
  lease: WebhookLease,
  reason: string,
): Promise<void> {
  await sql`
    UPDATE tiktok_webhook_inbox
    SET state = 'failed', last_error = ${reason}, processed_at = now(),
      lease_token = NULL, lease_expires_at = NULL
    WHERE ${heldBy(lease)}`.execute(db);
}

/** Handed back untried (the order is unknown, or it must wait its turn): the worker takes it now. */
export async function releaseWebhook(db: Kysely<Database>, lease: WebhookLease): Promise<void> {
  await sql`
    UPDATE tiktok_webhook_inbox
    SET attempts = greatest(attempts - 1, 0), lease_token = NULL, lease_expires_at = NULL
    WHERE ${heldBy(lease)}`.execute(db);
}
