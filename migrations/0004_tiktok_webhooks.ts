import { type Kysely, sql } from 'kysely';

/**
 * The TikTok Shop webhook inbox. A verified order notification is written
 * here before the webhook is answered, so a crash after the 200 loses
 * nothing; the primary key on tts_notification_id makes a redelivery a
 * no-op. A background worker (or the request itself, for orders already
 * known) applies each row and marks it done; failures are retried at
 * next_attempt_at, and rows that cannot succeed stay 'failed' for operators.
 * `sequence` keeps the notifications of one order in the order they came.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tiktok_webhook_inbox (
      notification_id text PRIMARY KEY,
      sequence bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      type integer NOT NULL,
      tiktok_shop_id text NOT NULL,
      store_id text NOT NULL,
      tiktok_order_id text NOT NULL,
      order_status text NOT NULL,
      status_changed_at timestamptz NOT NULL,
      body text NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
      outcome text,
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_token uuid,
      lease_expires_at timestamptz,
      last_error text,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz
    )`.execute(db);
  // The worker's queue: pending rows in arrival order, and per order to find the head of each.
  await sql`CREATE INDEX tiktok_webhook_inbox_pending ON tiktok_webhook_inbox (sequence)
    WHERE state = 'pending'`.execute(db);
  await sql`CREATE INDEX tiktok_webhook_inbox_pending_order
    ON tiktok_webhook_inbox (store_id, tiktok_order_id, sequence) WHERE state = 'pending'`.execute(
    db,
  );
  // For operators (and the failed gauge), and for pruning old done rows.
  await sql`CREATE INDEX tiktok_webhook_inbox_failed ON tiktok_webhook_inbox (sequence)
    WHERE state = 'failed'`.execute(db);
  await sql`CREATE INDEX tiktok_webhook_inbox_done ON tiktok_webhook_inbox (processed_at)
    WHERE state = 'done'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE tiktok_webhook_inbox`.execute(db);
}
