import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signWebhook } from '../../src/adapters/tiktok/verifyWebhookSignature';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  connectTestStore,
  credentials,
  orderEvents,
  startWebhookTestService,
  statusWebhook,
  type WebhookTestService,
  writtenRows,
} from './webhookTestService';

const shopId = '7494000000000000001';
let database: TestDatabase;
let service: WebhookTestService;

beforeAll(async () => {
  database = await createTestDatabase(6);
  // No worker: these tests are about what the route answers and writes itself.
  service = await startWebhookTestService(database, { options: { startWorker: false } });
  await connectTestStore(service.parts, shopId);
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

const body = (notificationId: string, overrides: { shopId?: string; status?: string } = {}) =>
  statusWebhook({
    notificationId,
    shopId: overrides.shopId ?? shopId,
    orderId: '576000000000000001',
    status: overrides.status ?? 'AWAITING_SHIPMENT',
  });

async function metric(line: string): Promise<number> {
  const text = (await service.parts.app.inject({ method: 'GET', url: '/metrics' })).body;
  const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  return found === undefined ? Number.NaN : Number(found.slice(line.length + 1));
}

describe('POST /webhooks/tiktok-shop refuses what TikTok Shop did not sign, and writes nothing', () => {
  const forged = body('7327000000000000001');
  const cases: Array<[string, string | null, string]> = [
    ['no Authorization header', null, forged],
    [
      'a signature made with another secret',
      signWebhook({ rawBody: forged, appKey: credentials.appKey, appSecret: 'not-the-secret' }),
      forged,
    ],
    [
      'a signature made without the app key',
      signWebhook({ rawBody: forged, appKey: '', appSecret: credentials.appSecret }),
      forged,
    ],
    // Signed for one body, sent with another: the signature covers the exact bytes.
    [
      'the signature of another body',
      signWebhook({ rawBody: body('7327000000000000002'), ...credentials }),
      forged,
    ],
    [
      'the signature of the same JSON spaced differently',
      signWebhook({ rawBody: JSON.stringify(JSON.parse(forged), null, 2), ...credentials }),
      forged,
    ],
    ['a header that is not hex', 'z'.repeat(64), forged],
    [
      'a truncated signature',
      signWebhook({ rawBody: forged, ...credentials }).slice(0, 63),
      forged,
    ],
  ];
  it.each(cases)('%s → 401', async (_case, authorization, payload) => {
    const before = await writtenRows(database);
    const response = await service.post(payload, { authorization });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'UNAUTHORIZED' });
    expect(await writtenRows(database)).toEqual(before);
  });

  it('checks the signature before reading the body: an unsigned malformed body is 401, not 400', async () => {
    const response = await service.post('{not json', { authorization: null });
    expect(response.statusCode).toBe(401);
  });

  it('counts refusals on /metrics', async () => {
    const before = await metric('fbt_sync_tiktok_webhooks_received_total{outcome="unauthorized"}');
    await service.post(forged, { authorization: null });
    expect(await metric('fbt_sync_tiktok_webhooks_received_total{outcome="unauthorized"}')).toBe(
      before + 1,
    );
  });
});

describe('POST /webhooks/tiktok-shop answers', () => {
  it('413 to a body over 1 MiB, signed or not, and writes nothing', async () => {
    const before = await writtenRows(database);
    const huge = JSON.stringify({
      ...(JSON.parse(body('7327000000000000010')) as object),
      padding: 'x'.repeat(1024 * 1024),
    });
    const response = await service.post(huge);
    expect(response.statusCode).toBe(413);
    expect(await writtenRows(database)).toEqual(before);
    expect(
      await metric('fbt_sync_tiktok_webhooks_received_total{outcome="too_large"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('400 with the reason to a signed body that is not JSON, or not a notification', async () => {
    const before = await writtenRows(database);
    const notJson = await service.post('{"type": 1,');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ error: 'INVALID_WEBHOOK', code: 'INVALID_JSON' });

    const noOrder = await service.post(
      JSON.stringify({
        type: 1,
        tts_notification_id: '7327000000000000011',
        shop_id: shopId,
        data: {},
      }),
    );
    expect(noOrder.statusCode).toBe(400);
    expect(noOrder.json()).toEqual({
      error: 'INVALID_WEBHOOK',
      code: 'MISSING_FIELD',
      field: 'data.order_id',
      message: 'data.order_id is missing',
    });

    const badStatus = await service.post(body('7327000000000000012', { status: 'SHIPPED_BY_OWL' }));
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json()).toMatchObject({
      code: 'UNKNOWN_ORDER_STATUS',
      field: 'data.order_status',
    });
    expect(await writtenRows(database)).toEqual(before);
  });

  it('200 to other notification types, known or not, and ignores them', async () => {
    const before = await writtenRows(database);
    // Type 6 (seller deauthorization) of a connected shop is not ignored: test/e2e/tiktokAuthorization.
    for (const type of [2, 4, 7, 99]) {
      const response = await service.post(
        JSON.stringify({
          type,
          tts_notification_id: `73270000000000001${type}`,
          shop_id: shopId,
          timestamp: 1706000000,
          data: { reverse_order_id: '1' },
        }),
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ignored', type });
    }
    // Even for a shop nobody connected: refusing would only make TikTok redeliver.
    const stranger = await service.post(
      JSON.stringify({ type: 6, tts_notification_id: '7327000000000000199', shop_id: '1' }),
    );
    expect(stranger.statusCode).toBe(200);
    expect(stranger.json()).toEqual({ status: 'ignored', type: 6 });
    const strangerShop = await service.post(
      JSON.stringify({
        type: 6,
        tts_notification_id: '7327000000000000198',
        shop_id: '2',
        timestamp: 1,
      }),
    );
    expect(strangerShop.json()).toEqual({ status: 'ignored', type: 6 });
    expect(await writtenRows(database)).toEqual(before);
  });

  it('404 to a shop no store is connected to, and writes nothing', async () => {
    const before = await writtenRows(database);
    const response = await service.post(
      body('7327000000000000020', { shopId: '7494999999999999999' }),
    );
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: 'UNKNOWN_SHOP',
      message: 'no store is connected to TikTok shop 7494999999999999999',
    });
    expect(await writtenRows(database)).toEqual(before);
  });

  it('200 to a valid notification, at once, with the notification kept in the inbox (no TikTok call made)', async () => {
    const before = await writtenRows(database);
    const response = await service.post(body('7327000000000000030'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'accepted' });
    // The order is new: fetching it is the worker's job (not running here), so only the inbox grew.
    expect(await writtenRows(database)).toEqual({ events: before.events, inbox: before.inbox + 1 });
    expect(await orderEvents(service.parts, shopId, '576000000000000001')).toEqual([]);
  });

  it('200 to a redelivery, with no second row', async () => {
    await service.post(body('7327000000000000040'));
    const before = await writtenRows(database);
    const again = await service.post(body('7327000000000000040'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate' });
    expect(await writtenRows(database)).toEqual(before);
  });

  it('accepts any content type, even none: the signature is what counts', async () => {
    const response = await service.post(body('7327000000000000050'), { contentType: null });
    expect(response.statusCode).toBe(200);
    const text = await service.post(body('7327000000000000051'), { contentType: 'text/plain' });
    expect(text.statusCode).toBe(200);
  });

  it('leaves the JSON parsing of other routes alone', async () => {
    const response = await service.parts.app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ query: '{ stores { id } }', variables: { n: 1 } }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      received: { query: '{ stores { id } }', variables: { n: 1 } },
    });
    // And their content types: a type no parser knows is still refused there.
    const unknown = await service.parts.app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/x-whatever' },
      payload: 'x',
    });
    expect(unknown.statusCode).toBe(415);
  });
});

describe('POST /webhooks/tiktok-shop without TIKTOK_APP_KEY / TIKTOK_APP_SECRET', () => {
  it('answers 503 with a clear message, even to a body signed with some key, and writes nothing', async () => {
    const unconfigured = await startWebhookTestService(database, {
      env: { TIKTOK_APP_KEY: '', TIKTOK_APP_SECRET: '' },
      options: { startWorker: false },
    });
    try {
      const before = await writtenRows(database);
      const response = await unconfigured.post(body('7327000000000000060'));
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        error: 'NOT_CONFIGURED',
        message: expect.stringContaining('TIKTOK_APP_KEY and TIKTOK_APP_SECRET') as unknown,
      });
      expect(await writtenRows(database)).toEqual(before);
    } finally {
      await unconfigured.stop();
    }
  });
});
