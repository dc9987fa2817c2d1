import type { ColumnType, Generated, Selectable } from 'kysely';

/** pending: to do (or being done under a lease); done: applied; failed: given up, kept for operators. */
export type WebhookInboxState = 'pending' | 'done' | 'failed';

/** What applying a row did, once it is done. */
export type WebhookInboxOutcome = 'status_recorded' | 'order_recorded' | 'facts_recorded';

/**
 * One verified TikTok Shop notification of an order (migration 0004): a
 * status change (type 1), or a cancellation (11) or return (12) change, whose
 * order_status holds the cancellation's or return's status as the webhook
 * said it ('' when it did not).
 */
export interface TikTokWebhookInboxTable {
  /** tts_notification_id: deliveries repeat, so this is the primary key. */
  notification_id: string;
  /** Arrival order; bigint, read as a string. */
  sequence: ColumnType<string, never, never>;
  type: number;
  tiktok_shop_id: string;
  store_id: string;
  tiktok_order_id: string;
  /** As the Order API spells it (CANCEL already read as CANCELLED). */
  order_status: string;
  status_changed_at: ColumnType<Date, string, string>;
  /** The signed body as received, for operators. */
  body: string;
  state: ColumnType<WebhookInboxState, WebhookInboxState | undefined, WebhookInboxState>;
  outcome: WebhookInboxOutcome | null;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, string | undefined, string>;
  /** Whoever applies the row holds it until lease_expires_at; a crash just lets the lease run out. */
  lease_token: string | null;
  lease_expires_at: ColumnType<Date | null, string | null | undefined, string | null>;
  last_error: string | null;
  received_at: ColumnType<Date, string | undefined, never>;
  processed_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

export type WebhookInboxRow = Selectable<TikTokWebhookInboxTable>;

/** Merged into the Database interface of src/db/schema.ts. */
export interface TikTokWebhookTables {
  tiktok_webhook_inbox: TikTokWebhookInboxTable;
}
