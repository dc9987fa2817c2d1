import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/schema';

/** Our own channel: the event log's wake-ups (fbt_events) would wake the worker for every event. */
export const WEBHOOK_INBOX_CHANNEL = 'fbt_tiktok_webhook_inbox';

/** Tells the worker of whichever process leads that a row is waiting. */
export async function notifyWebhookInbox(db: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_notify(${WEBHOOK_INBOX_CHANNEL}, '')`.execute(db);
}

export interface WebhookInboxListener {
  /** False once the connection broke; the worker's slow poll covers until it listens again. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/** LISTENs on a connection of its own and calls onNotify for every NOTIFY. */
export async function listenToWebhookInbox(
  url: string,
  onNotify: () => void,
  onError: (error: Error) => void,
): Promise<WebhookInboxListener> {
  const client = new pg.Client({ connectionString: url, keepAlive: true });
  let listening = false;
  client.on('notification', onNotify);
  client.on('error', (error) => {
    listening = false;
    onError(error);
  });
  client.on('end', () => (listening = false));
  try {
    await client.connect();
    await client.query(`LISTEN ${WEBHOOK_INBOX_CHANNEL}`);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  listening = true;
  return {
    get listening() {
      return listening;
    },
    close: async () => {
      listening = false;
      await client.end().catch(() => {});
    },
  };
}
