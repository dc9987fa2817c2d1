import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';

export interface WebhookInboxStats {
  pending: number;
  failed: number;
  /** Age of the oldest pending row: how far the worker is behind (0 when nothing waits). */
  lagSeconds: number;
}

export async function readWebhookInboxStats(db: Kysely<Database>): Promise<WebhookInboxStats> {
  const { rows } = await sql<WebhookInboxStats>`
    SELECT
      (SELECT count(*) FROM tiktok_webhook_inbox WHERE state = 'pending')::int AS pending,
      (SELECT count(*) FROM tiktok_webhook_inbox WHERE state = 'failed')::int AS failed,
      coalesce((SELECT extract(epoch FROM now() - min(received_at)) FROM tiktok_webhook_inbox
        WHERE state = 'pending'), 0)::float8 AS "lagSeconds"`.execute(db);
  return rows[0] ?? { pending: 0, failed: 0, lagSeconds: 0 };
}
