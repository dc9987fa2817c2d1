import { sql } from 'kysely';
import { signWebhook } from '../../src/adapters/tiktok/verifyWebhookSignature';
import type { TestDatabase } from '../support/database';

/** TikTok Shop's side of the webhook route: notifications as it sends them, signed as it signs them. */

export interface TikTokAppCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
}

/** A type 1 notification (order status change) body, as TikTok Shop sends it. */
export function orderStatusNotification(fields: {
  notificationId: string;
  shopId: string;
  orderId: string;
  status: string;
}): string {
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    type: 1,
    tts_notification_id: fields.notificationId,
    shop_id: fields.shopId,
    timestamp: now,
    data: {
      order_id: fields.orderId,
      order_status: fields.status,
      is_on_hold_order: false,
      update_time: now,
    },
  });
}

export const signatureOf = (body: string, credentials: TikTokAppCredentials): string =>
  signWebhook({ rawBody: body, appKey: credentials.appKey, appSecret: credentials.appSecret });

/** POST /webhooks/tiktok-shop with the given Authorization header (none when null). */
export async function deliverWebhook(
  serveUrl: string,
  body: string,
  authorization: string | null,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const response = await fetch(`${serveUrl}/webhooks/tiktok-shop`, {
    method: 'POST',
    headers,
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Kept as text: the assertion shows it.
  }
  return { status: response.status, body: parsed };
}

/** Where a notification stands in the inbox: pending, done or failed (undefined when it never got in). */
export async function inboxState(
  database: TestDatabase,
  notificationId: string,
): Promise<{ state: string; outcome: string | null; lastError: string | null } | undefined> {
  const { rows } = await sql<{ state: string; outcome: string | null; last_error: string | null }>`
    SELECT state, outcome, last_error FROM tiktok_webhook_inbox
    WHERE notification_id = ${notificationId}`.execute(database.db);
  const row = rows[0];
  return row && { state: row.state, outcome: row.outcome, lastError: row.last_error };
}
