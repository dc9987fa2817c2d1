import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import {
  installTikTokWebhooks,
  type TikTokWebhookOptions,
  type TikTokWebhooks,
} from '../../src/adapters/tiktok/installTikTokWebhooks';
import { signWebhook } from '../../src/adapters/tiktok/verifyWebhookSignature';
import type { WebhookInboxRow } from '../../src/adapters/tiktok/webhookTables';
import type { CommandContext } from '../../src/commands/commandContext';
import { orderIdFor, storeIdFor } from '../../src/commands/ids';
import { connectStore } from '../../src/commands/storeCommands';
import { loadConfig } from '../../src/config';
import { orderStreamId } from '../../src/domain/eventCatalog';
import type { OrderEvent } from '../../src/domain/orderEvents';
import { evolveOrder, type OrderState } from '../../src/domain/orderState';
import type { RecordedEvent } from '../../src/eventstore/types';
import { registerMetricsRoute } from '../../src/http/metrics';
import type { ServiceParts } from '../../src/serviceParts';
import type { TestDatabase } from '../support/database';
import { testServiceParts } from '../support/serviceParts';

export const credentials = {
  appKey: '6a1b2c3d4e5f6',
  appSecret: 'webhook-test-secret-0123456789abcdef',
  accessToken: 'TTP_webhook_test_token',
};

export interface WebhookTestService {
  parts: ServiceParts;
  webhooks: TikTokWebhooks;
  /** POST /webhooks/tiktok-shop, signed with the test credentials unless `authorization` says otherwise. */
  post(
    body: string | Buffer,
    options?: { authorization?: string | null; contentType?: string | null },
  ): Promise<LightMyRequestResponse>;
  stop(): Promise<void>;
}

/**
 * The service's parts built the way src/main.ts builds them (same Fastify
 * options, same metrics route), on a test database, with the webhooks
 * installed, and a tiny JSON route of the test's own.
 */
export async function startWebhookTestService(
  database: TestDatabase,
  { env = {}, options = {} }: { env?: NodeJS.ProcessEnv; options?: TikTokWebhookOptions } = {},
): Promise<WebhookTestService> {
  const config = loadConfig({
    DATABASE_URL: database.url,
    TIKTOK_APP_KEY: credentials.appKey,
    TIKTOK_APP_SECRET: credentials.appSecret,
    TIKTOK_ACCESS_TOKEN: credentials.accessToken,
    // Stores' own tokens are sealed with it (none here unless a test authorizes one).
    CREDENTIALS_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const { parts, stop } = testServiceParts(database, config);
  const webhooks = installTikTokWebhooks(parts, {
    // Retries in milliseconds rather than seconds, so the tests do not wait for them.
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    pollIntervalMs: 500,
    apiTimeoutMs: 2000,
    ...options,
  });
  registerMetricsRoute(parts.app, parts.registry);
  // Another route of the same server, to show its JSON parsing is untouched.
  parts.app.post('/echo', (request, reply) => reply.send({ received: request.body }));
  await parts.app.ready();
  parts.onStop(() => parts.app.close());

  return {
    parts,
    webhooks,
    post(body, { authorization, contentType = 'application/json' } = {}) {
      const headers: Record<string, string> = {};
      if (contentType !== null) headers['content-type'] = contentType;
      const signature =
        authorization === undefined
          ? signWebhook({
              rawBody: body,
              appKey: credentials.appKey,
              appSecret: credentials.appSecret,
            })
          : authorization;
      if (signature !== null) headers.authorization = signature;
      return parts.app.inject({
        method: 'POST',
        url: '/webhooks/tiktok-shop',
        headers,
        payload: body,
      });
    },
    stop,
  };
}

export function commandContext(parts: Pick<ServiceParts, 'eventStore'>): CommandContext {
  return {
    eventStore: parts.eventStore,
    now: () => new Date(),
    metadata: { correlationId: 'webhook-test', actor: 'test' },
  };
}

export async function connectTestStore(
  parts: Pick<ServiceParts, 'eventStore'>,
  tiktokShopId: string,
): Promise<string> {
  const { state } = await connectStore(commandContext(parts), {
    name: `Shop ${tiktokShopId}`,
    tiktokShopId,
    platform: 'SHOPIFY',
    plan: 'PRO',
    shopDomain: 'webhook-test.myshopify.com',
  });
  return state!.storeId;
}

/** A type 1 notification body as TikTok Shop sends it. */
export function statusWebhook(fields: {
  notificationId: string;
  shopId: string;
  orderId: string;
  status: string;
  updateTime?: number;
}): string {
  return JSON.stringify({
    type: 1,
    tts_notification_id: fields.notificationId,
    shop_id: fields.shopId,
    timestamp: 1706000100,
    data: {
      order_id: fields.orderId,
      order_status: fields.status,
      is_on_hold_order: false,
      update_time: fields.updateTime ?? 1706000100,
    },
  });
}

export async function orderEvents(
  parts: Pick<ServiceParts, 'eventStore'>,
  tiktokShopId: string,
  tiktokOrderId: string,
): Promise<RecordedEvent[]> {
  const orderId = orderIdFor(storeIdFor(tiktokShopId), tiktokOrderId);
  return (await parts.eventStore.readStream(orderStreamId(orderId))).events;
}

export async function orderState(
  parts: Pick<ServiceParts, 'eventStore'>,
  tiktokShopId: string,
  tiktokOrderId: string,
): Promise<OrderState> {
  let state: OrderState = null;
  for (const event of await orderEvents(parts, tiktokShopId, tiktokOrderId)) {
    state = evolveOrder(state, event as unknown as OrderEvent);
  }
  return state;
}

/** Everything the route could have written: the event log and the inbox. */
export async function writtenRows(
  database: TestDatabase,
): Promise<{ events: number; inbox: number }> {
  const { rows } = await sql<{ events: number; inbox: number }>`
    SELECT (SELECT count(*) FROM events)::int AS events,
      (SELECT count(*) FROM tiktok_webhook_inbox)::int AS inbox`.execute(database.db);
  return rows[0]!;
}

export async function inboxRow(
  database: TestDatabase,
  notificationId: string,
): Promise<WebhookInboxRow | undefined> {
  return database.db
    .selectFrom('tiktok_webhook_inbox')
    .selectAll()
    .where('notification_id', '=', notificationId)
    .executeTakeFirst();
}

/** Waits for a condition the background worker brings about; the deadline only guards against a hang. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
