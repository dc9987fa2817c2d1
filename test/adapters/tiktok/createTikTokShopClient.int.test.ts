import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createTikTokShopClient,
  type TikTokShopClientOptions,
} from '../../../src/adapters/tiktok/createTikTokShopClient';
import { TikTokApiError } from '../../../src/adapters/tiktok/TikTokApiError';
import {
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
  tikTokReturnJson,
} from '../../support/fakeTikTokShop';

const credentials = {
  appKey: '68xu9ks5p4i8',
  appSecret: 'e59af819cc',
  accessToken: 'TTP_shop_token',
};
const shopCipher = 'ROW_xkMbgAAAeVAQra0eZWebFQq5aIK';
const orderId = '576461413038785752';

let fake: FakeTikTokShop;

beforeEach(async () => {
  fake = await startFakeTikTokShop({ ...credentials, shopCipher });
});
afterEach(() => fake.close());

const client = (overrides: Partial<TikTokShopClientOptions> = {}) =>
  createTikTokShopClient({ baseUrl: fake.baseUrl, ...credentials, ...overrides });

/** A server that answers every request with the same text: for answers the fake would never give. */
async function serveRawText(status: number, text: string) {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function failure(promise: Promise<unknown>): Promise<TikTokApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TikTokApiError) return error;
    throw error;
  }
  throw new Error('expected a TikTokApiError');
}

describe('getOrderDetail', () => {
  it('groups one-unit line items into quantities per SKU and price, keeping decimal prices as sent', async () => {
    fake.addOrder(
      tikTokOrderJson({
        id: orderId,
        status: 'AWAITING_SHIPMENT',
        fulfillmentType: 'FULFILLMENT_BY_SELLER',
        createTime: 1706000000,
        updateTime: 1706000600,
        currency: 'GBP',
        items: [
          { sellerSku: 'MUG-RED', productName: 'Red mug', salePrice: '19.99', quantity: 2 },
          { sellerSku: 'TEA-01', productName: 'Tea', salePrice: '0.10', quantity: 3 },
          // The promotion ran out mid-order: same SKU, another price, its own line.
          { sellerSku: 'MUG-RED', productName: 'Red mug', salePrice: '14.99', quantity: 1 },
          // A unit listed apart from its siblings still joins their line.
          { sellerSku: 'MUG-RED', productName: 'Red mug', salePrice: '19.99', quantity: 1 },
          { sellerSku: 'LAMP', productName: 'Lamp', salePrice: '1234567.895', quantity: 1 },
        ],
      }),
    );
    const order = await client().getOrderDetail({ orderId, shopCipher });
    expect(order).toEqual({
      orderId,
      status: 'AWAITING_SHIPMENT',
      fulfillmentType: 'FULFILLED_BY_SELLER',
      lineItems: [
        { sku: 'MUG-RED', title: 'Red mug', quantity: 3, unitPrice: '19.99' },
        { sku: 'TEA-01', title: 'Tea', quantity: 3, unitPrice: '0.10' },
        { sku: 'MUG-RED', title: 'Red mug', quantity: 1, unitPrice: '14.99' },
        { sku: 'LAMP', title: 'Lamp', quantity: 1, unitPrice: '1234567.895' },
      ],
      currency: 'GBP',
      totalAmount: '1234643.155',
      placedAt: '2024-01-23T08:53:20.000Z',
      updatedAt: '2024-01-23T09:03:20.000Z',
      // Each unit keeps TikTok's id and names the line it was grouped into.
      units: [0, 0, 1, 1, 1, 2, 0, 3].map((line, index) => ({
        unitId: `5764614130${String(index + 1).padStart(9, '0')}`,
        line,
        displayStatus: 'AWAITING_SHIPMENT',
      })),
      cancelReason: null,
      cancellationInitiator: null,
    });
  });

  it('reads the cancel reason, the initiator and the units TikTok cancelled', async () => {
    fake.addOrder(
      tikTokOrderJson({
        id: orderId,
        status: 'AWAITING_SHIPMENT',
        items: [
          { sellerSku: 'MUG-RED', salePrice: '19.99', quantity: 2, cancelledUnits: 1 },
          { sellerSku: 'TEA-01', salePrice: '0.10', quantity: 1 },
        ],
        cancelReason: 'Out of stock',
        cancellationInitiator: 'SELLER',
      }),
    );
    const order = await client().getOrderDetail({ orderId, shopCipher });
    expect(order).toMatchObject({
      cancelReason: 'Out of stock',
      cancellationInitiator: 'SELLER',
      units: [
        { line: 0, displayStatus: 'CANCELLED' },
        { line: 0, displayStatus: 'AWAITING_SHIPMENT' },
        { line: 1, displayStatus: 'AWAITING_SHIPMENT' },
      ],
    });
  });

  it('searches the returns of an order with a signed POST (Search Returns 202309)', async () => {
    fake.addReturn(
      tikTokReturnJson({
        returnId: '4035000000000000901',
        orderId,
        status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
        returnType: 'RETURN_AND_REFUND',
        refundTotal: '19.99',
        currency: 'GBP',
        unitIds: ['5764614130000000001'],
        updateTime: 1706003600,
      }),
    );
    fake.addReturn(
      tikTokReturnJson({
        returnId: '4035000000000000902',
        orderId: '576461413038785999',
        status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
        refundTotal: '1.00',
        unitIds: [],
      }),
    );
    expect(await client().searchReturns({ orderId, shopCipher })).toEqual([
      {
        returnId: '4035000000000000901',
        orderId,
        status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
        returnType: 'RETURN_AND_REFUND',
        refundTotal: '19.99',
        currency: 'GBP',
        unitIds: ['5764614130000000001'],
        updatedAt: '2024-01-23T09:53:20.000Z',
      },
    ]);
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/return_refund/202309/returns/search',
      answeredCode: 0,
    });
    expect(request.headers['content-type']).toBe('application/json');
  });

  it('searches returns by update time, oldest first, page by page (reconciliation)', async () => {
    for (const [n, updateTime] of [
      [1, 1706003000],
      [2, 1706001000],
      [3, 1706002000],
      [4, 1706009000],
    ] as const) {
      fake.addReturn(
        tikTokReturnJson({
          returnId: `403500000000000091${n}`,
          orderId: `57646141303878580${n}`,
          status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
          refundTotal: '1.00',
          unitIds: [],
          updateTime,
        }),
      );
    }
    const window = { shopCipher, updateTimeGe: 1706001000, updateTimeLt: 1706009000, pageSize: 2 };
    const first = await client().searchReturnsUpdated(window);
    expect(first.returns.map((r) => r.returnId)).toEqual([
      '4035000000000000912',
      '4035000000000000913',
    ]);
    expect(first.totalCount).toBe(3);
    const second = await client().searchReturnsUpdated({
      ...window,
      pageToken: first.nextPageToken,
    });
    expect(second.returns.map((r) => r.returnId)).toEqual(['4035000000000000911']);
    expect(second.nextPageToken).toBeUndefined();
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/return_refund/202309/returns/search',
      query: { page_size: '2', sort_field: 'update_time', sort_order: 'ASC' },
      answeredCode: 0,
    });
    expect(JSON.parse(request.body)).toEqual({
      update_time_ge: 1706001000,
      update_time_lt: 1706009000,
    });
    await expect(client().searchReturnsUpdated({ ...window, pageSize: 51 })).rejects.toThrow(
      RangeError,
    );
  });

  it('tells Fulfilled by TikTok from seller-fulfilled', async () => {
    fake.addOrder(
      tikTokOrderJson({
        id: '576461413038785001',
        fulfillmentType: 'FULFILLMENT_BY_TIKTOK',
        status: 'IN_TRANSIT',
        items: [{ sellerSku: 'A', salePrice: '5.00', quantity: 1 }],
      }),
    );
    fake.addOrder(
      tikTokOrderJson({
        id: '576461413038785002',
        fulfillmentType: 'FULFILLMENT_BY_SELLER',
        items: [{ sellerSku: 'A', salePrice: '5.00', quantity: 1 }],
      }),
    );
    const tiktok = client();
    const fbt = await tiktok.getOrderDetail({ orderId: '576461413038785001', shopCipher });
    const seller = await tiktok.getOrderDetail({ orderId: '576461413038785002', shopCipher });
    expect([fbt.fulfillmentType, fbt.status]).toEqual(['FULFILLED_BY_TIKTOK', 'IN_TRANSIT']);
    expect(seller.fulfillmentType).toBe('FULFILLED_BY_SELLER');
  });

  it('sends the signed request TikTok expects: query, timestamp in seconds, token in a header', async () => {
    fake.addOrder(
      tikTokOrderJson({ id: orderId, items: [{ sellerSku: 'A', salePrice: '1.00', quantity: 1 }] }),
    );
    await client({ now: () => 1706000000123 })
      .getOrderDetail({ orderId, shopCipher })
      .catch(() => undefined);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      method: 'GET',
      path: '/order/202309/orders',
      query: {
        ids: orderId,
        app_key: credentials.appKey,
        timestamp: '1706000000',
        shop_cipher: shopCipher,
      },
    });
    expect(request!.query.sign).toMatch(/^[0-9a-f]{64}$/);
    expect(request!.query).not.toHaveProperty('access_token');
    expect(request!.headers['x-tts-access-token']).toBe(credentials.accessToken);
  });

  it('answers NOT_FOUND, not retryable, when the order is not in data.orders', async () => {
    const error = await failure(
      client().getOrderDetail({ orderId: '576461413038789999', shopCipher }),
    );
    expect([error.code, error.retryable]).toEqual(['NOT_FOUND', false]);
    expect(fake.requests[0]!.answeredCode).toBe(0);
  });
});

describe('the fake checks requests the way TikTok does', () => {
  it('refuses a request signed with the wrong secret (code 106001), and the client does not retry it', async () => {
    fake.addOrder(
      tikTokOrderJson({ id: orderId, items: [{ sellerSku: 'A', salePrice: '1.00', quantity: 1 }] }),
    );
    const error = await failure(
      client({ appSecret: 'wrong-secret' }).getOrderDetail({ orderId, shopCipher }),
    );
    expect(error).toMatchObject({
      code: 'AUTH_FAILED',
      retryable: false,
      httpStatus: 401,
      tikTokCode: 106001,
    });
    expect(fake.requests[0]!.answeredCode).toBe(106001);
  });

  it('refuses a signed request whose query was changed after signing', async () => {
    fake.addOrder(
      tikTokOrderJson({ id: orderId, items: [{ sellerSku: 'A', salePrice: '1.00', quantity: 1 }] }),
    );
    await client().getOrderDetail({ orderId, shopCipher });
    const signed = fake.requests[0]!.query;
    const tampered = new URLSearchParams({ ...signed, ids: '576461413038785001' });
    const response = await fetch(`${fake.baseUrl}/order/202309/orders?${tampered.toString()}`, {
      headers: { 'x-tts-access-token': credentials.accessToken },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 106001 });
  });

  it('refuses a wrong access token, app key or shop cipher', async () => {
    const wrongToken = await failure(
      client({ accessToken: 'TTP_other' }).getOrderDetail({ orderId, shopCipher }),
    );
    expect(wrongToken).toMatchObject({ code: 'AUTH_FAILED', retryable: false, tikTokCode: 105001 });
    const wrongKey = await failure(
      client({ appKey: 'other' }).getOrderDetail({ orderId, shopCipher }),
    );
    expect(wrongKey).toMatchObject({ code: 'API_ERROR', retryable: false, tikTokCode: 36009004 });
    const noCipher = await failure(client().getOrderDetail({ orderId }));
    expect(noCipher).toMatchObject({ code: 'API_ERROR', retryable: false, tikTokCode: 36009004 });
  });

  it('refuses a timestamp more than 5 minutes off', async () => {
    const tenMinutesAgo = () => Date.now() - 10 * 60 * 1000;
    const error = await failure(
      client({ now: tenMinutesAgo }).getOrderDetail({ orderId, shopCipher }),
    );
    expect(error).toMatchObject({ code: 'API_ERROR', retryable: false, tikTokCode: 36009004 });
    expect(error.message).toContain('timestamp');
  });
});

describe('error mapping', () => {
  beforeEach(() => {
    fake.addOrder(
      tikTokOrderJson({ id: orderId, items: [{ sellerSku: 'A', salePrice: '1.00', quantity: 1 }] }),
    );
  });

  it('makes a 5xx retryable, and the retry then succeeds', async () => {
    fake.inject({ kind: 'serverError', httpStatus: 502 });
    const tiktok = client();
    const error = await failure(tiktok.getOrderDetail({ orderId, shopCipher }));
    expect(error).toMatchObject({ code: 'SERVER_ERROR', retryable: true, httpStatus: 502 });
    await expect(tiktok.getOrderDetail({ orderId, shopCipher })).resolves.toMatchObject({
      orderId,
    });
  });

  it('makes rate limiting retryable, by HTTP 429 or by TikTok code', async () => {
    fake.inject({ kind: 'rateLimited' });
    fake.inject({ kind: 'apiError', code: 36009002, message: 'Too many requests.' });
    const tiktok = client();
    expect(await failure(tiktok.getOrderDetail({ orderId, shopCipher }))).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      httpStatus: 429,
    });
    expect(await failure(tiktok.getOrderDetail({ orderId, shopCipher }))).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      httpStatus: 200,
    });
  });

  it('reads the catch-all 36009004 by its message: a bad access token is AUTH_FAILED, anything else a permanent refusal, never a rate limit', async () => {
    fake.inject({
      kind: 'apiError',
      code: 36009004,
      message: 'Invalid credentials. The `x-tts-access-token` header is invalid.',
      times: 1,
    });
    fake.inject({
      kind: 'apiError',
      code: 36009004,
      message:
        'Unexpected identifier. The `shop_cipher` query parameter is not required for this request.',
      times: 1,
    });
    const tiktok = client();
    expect(await failure(tiktok.getOrderDetail({ orderId, shopCipher }))).toMatchObject({
      code: 'AUTH_FAILED',
      retryable: false,
      tikTokCode: 36009004,
    });
    expect(await failure(tiktok.getOrderDetail({ orderId, shopCipher }))).toMatchObject({
      code: 'API_ERROR',
      retryable: false,
      tikTokCode: 36009004,
    });
  });

  it('makes a non-zero code not retryable, keeping TikTok code and message', async () => {
    fake.inject({
      kind: 'apiError',
      code: 105005,
      message: 'Access denied. Scope missing.',
      times: 1,
    });
    fake.inject({
      kind: 'apiError',
      code: 21011001,
      message: 'Order does not exist.',
      httpStatus: 400,
    });
    const tiktok = client();
    const permission = await failure(tiktok.getOrderDetail({ orderId, shopCipher }));
    expect(permission).toMatchObject({ code: 'AUTH_FAILED', retryable: false, tikTokCode: 105005 });
    expect(permission.message).toContain('Access denied. Scope missing.');
    const business = await failure(tiktok.getOrderDetail({ orderId, shopCipher }));
    expect(business).toMatchObject({
      code: 'API_ERROR',
      retryable: false,
      tikTokCode: 21011001,
      httpStatus: 400,
    });
  });

  it('turns a hanging server into a retryable TIMEOUT after timeoutMs', async () => {
    fake.inject({ kind: 'hang' });
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 200 }).getOrderDetail({ orderId, shopCipher }));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('turns an unreachable server into a retryable NETWORK error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      client({ baseUrl: `http://127.0.0.1:${port}` }).getOrderDetail({ orderId }),
    );
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true });
  });

  it('reads an answer it cannot understand as UNEXPECTED_RESPONSE, not retryable', async () => {
    const garbled = await serveRawText(200, '<html>maintenance</html>');
    try {
      const error = await failure(client({ baseUrl: garbled.baseUrl }).getOrderDetail({ orderId }));
      expect(error).toMatchObject({
        code: 'UNEXPECTED_RESPONSE',
        retryable: false,
        httpStatus: 200,
      });
    } finally {
      await garbled.close();
    }
  });
});

describe('ids beyond 2^53', () => {
  it('keeps every digit of an order id TikTok sent as a bare JSON number', async () => {
    const bigId = '9576461413038785752';
    const order = tikTokOrderJson({
      id: bigId,
      items: [{ sellerSku: 'A', salePrice: '1.00', quantity: 1 }],
    });
    // The fake always sends ids as strings, as TikTok does; this server sends the id bare.
    const text = JSON.stringify({ code: 0, message: 'Success', data: { orders: [order] } }).replace(
      `"id":"${bigId}"`,
      `"id":${bigId}`,
    );
    expect(text).toContain(`"id":${bigId},`);
    const bare = await serveRawText(200, text);
    try {
      const fetched = await client({ baseUrl: bare.baseUrl }).getOrderDetail({ orderId: bigId });
      expect(fetched.orderId).toBe(bigId);
    } finally {
      await bare.close();
    }
  });
});

describe('searchOrders', () => {
  const order = (id: string, updateTime: number) =>
    tikTokOrderJson({
      id,
      status: 'AWAITING_SHIPMENT',
      createTime: updateTime - 60,
      updateTime,
      items: [{ sellerSku: 'A', salePrice: '5.00', quantity: 2 }],
    });

  it('pages through the orders updated in [ge, lt), oldest first, with a signed POST whose body is signed too', async () => {
    for (let i = 0; i < 5; i++) fake.addOrder(order(`57646141303878610${i}`, 1706000000 + i));
    // Outside the window on either side.
    fake.addOrder(order('576461413038786200', 1705999999));
    fake.addOrder(order('576461413038786201', 1706000005));
    const tiktok = client();
    const window = { shopCipher, updateTimeGe: 1706000000, updateTimeLt: 1706000005 };

    const first = await tiktok.searchOrders({ ...window, pageSize: 2 });
    expect(first.orders.map((o) => o.orderId)).toEqual([
      '576461413038786100',
      '576461413038786101',
    ]);
    expect(first.orders[0]).toMatchObject({
      lineItems: [{ sku: 'A', quantity: 2, unitPrice: '5.00' }],
      updatedAt: '2024-01-23T08:53:20.000Z',
    });
    expect(first.totalCount).toBe(5);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await tiktok.searchOrders({
      ...window,
      pageSize: 2,
      pageToken: first.nextPageToken,
    });
    const third = await tiktok.searchOrders({
      ...window,
      pageSize: 2,
      pageToken: second.nextPageToken,
    });
    expect([...second.orders, ...third.orders].map((o) => o.orderId)).toEqual([
      '576461413038786102',
      '576461413038786103',
      '576461413038786104',
    ]);
    expect(third.nextPageToken).toBeUndefined();

    const [request] = fake.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/order/202309/orders/search',
      query: {
        app_key: credentials.appKey,
        shop_cipher: shopCipher,
        page_size: '2',
        sort_field: 'update_time',
        sort_order: 'ASC',
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    expect(request!.query.page_token).toBeUndefined();
    expect(JSON.parse(request!.body)).toEqual({
      update_time_ge: 1706000000,
      update_time_lt: 1706000005,
    });
    expect(fake.requests.map((r) => r.answeredCode)).toEqual([0, 0, 0]);
  });

  it('refuses a page size outside 1-100 before calling TikTok', async () => {
    const window = { shopCipher, updateTimeGe: 0, updateTimeLt: 1 };
    await expect(client().searchOrders({ ...window, pageSize: 0 })).rejects.toThrow(RangeError);
    await expect(client().searchOrders({ ...window, pageSize: 101 })).rejects.toThrow(RangeError);
    expect(fake.requests).toEqual([]);
  });

  it('classifies the search failures like every call: throttled and 5xx retryable, bad token not', async () => {
    const window = { shopCipher, updateTimeGe: 0, updateTimeLt: 1, pageSize: 10 };
    fake.inject({ kind: 'rateLimited' });
    expect(await failure(client().searchOrders(window))).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
    });
    fake.inject({ kind: 'serverError', httpStatus: 502 });
    expect(await failure(client().searchOrders(window))).toMatchObject({
      code: 'SERVER_ERROR',
      retryable: true,
    });
    expect(
      await failure(client({ accessToken: 'TTP_revoked' }).searchOrders(window)),
    ).toMatchObject({ code: 'AUTH_FAILED', retryable: false, tikTokCode: 105001 });
    // A page token the fake never issued (or issued for another window).
    expect(
      await failure(client().searchOrders({ ...window, pageToken: 'never-issued' })),
    ).toMatchObject({ code: 'API_ERROR', retryable: false, tikTokCode: 36009004 });
  });
});
