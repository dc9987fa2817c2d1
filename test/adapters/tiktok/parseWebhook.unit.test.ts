import { describe, expect, it } from '@jest/globals';
import { parseJsonKeepingBigIntegers } from '../../../src/adapters/tiktok/parseJsonKeepingBigIntegers';
import { parseWebhook } from '../../../src/adapters/tiktok/parseWebhook';

const orderStatusChange = (
  data: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
) => ({
  type: 1,
  tts_notification_id: '7327111111111111111',
  shop_id: '7494222222222222222',
  timestamp: 1706000100,
  data: {
    order_id: '577033333333333333',
    order_status: 'AWAITING_COLLECTION',
    is_on_hold_order: false,
    update_time: 1706000000,
    ...data,
  },
  ...top,
});

function rejectionOf(body: unknown) {
  const parsed = parseWebhook(body);
  if (parsed.ok)
    throw new Error(`expected a rejection, got ${JSON.stringify(parsed.notification)}`);
  return parsed.rejection;
}

describe('parseWebhook: type 1, order status change', () => {
  it('reads every field, with update_time as ISO-8601', () => {
    expect(parseWebhook(orderStatusChange())).toEqual({
      ok: true,
      notification: {
        kind: 'orderStatusChange',
        notificationId: '7327111111111111111',
        shopId: '7494222222222222222',
        orderId: '577033333333333333',
        status: 'AWAITING_COLLECTION',
        updateTime: '2024-01-23T08:53:20.000Z',
        isOnHold: false,
      },
    });
  });

  it.each(['CANCEL', 'CANCELLED'])('normalizes %s to CANCELLED', (status) => {
    const parsed = parseWebhook(orderStatusChange({ order_status: status }));
    expect(
      parsed.ok && parsed.notification.kind === 'orderStatusChange' && parsed.notification.status,
    ).toBe('CANCELLED');
  });

  it.each([
    'UNPAID',
    'ON_HOLD',
    'AWAITING_SHIPMENT',
    'PARTIALLY_SHIPPING',
    'AWAITING_COLLECTION',
    'IN_TRANSIT',
    'DELIVERED',
    'COMPLETED',
  ])('accepts the 202309 status %s as is', (status) => {
    const parsed = parseWebhook(orderStatusChange({ order_status: status }));
    expect(
      parsed.ok && parsed.notification.kind === 'orderStatusChange' && parsed.notification.status,
    ).toBe(status);
  });

  it('refuses an unknown status, naming it', () => {
    expect(rejectionOf(orderStatusChange({ order_status: 'SHIPPED' }))).toEqual({
      code: 'UNKNOWN_ORDER_STATUS',
      field: 'data.order_status',
      reason: 'data.order_status "SHIPPED" is not a known TikTok Shop order status',
    });
    expect(rejectionOf(orderStatusChange({ order_status: 'cancelled' })).code).toBe(
      'UNKNOWN_ORDER_STATUS',
    );
    expect(rejectionOf(orderStatusChange({ order_status: undefined }))).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'data.order_status',
    });
  });

  it('takes is_on_hold_order as sent, and ON_HOLD as on hold when it is absent', () => {
    const onHold = parseWebhook(
      orderStatusChange({ order_status: 'ON_HOLD', is_on_hold_order: undefined }),
    );
    expect(onHold.ok && onHold.notification).toMatchObject({ isOnHold: true });
    const flagged = parseWebhook(orderStatusChange({ is_on_hold_order: true }));
    expect(flagged.ok && flagged.notification).toMatchObject({ isOnHold: true });
    expect(rejectionOf(orderStatusChange({ is_on_hold_order: 'no' }))).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'data.is_on_hold_order',
    });
  });

  it('falls back to the notification timestamp when update_time is absent', () => {
    const parsed = parseWebhook(orderStatusChange({ update_time: undefined }));
    expect(parsed.ok && parsed.notification).toMatchObject({
      updateTime: '2024-01-23T08:55:00.000Z',
    });
  });

  it('turns ids sent as exact numbers into decimal strings', () => {
    const parsed = parseWebhook(
      orderStatusChange({ order_id: 5770123 }, { tts_notification_id: 73271, shop_id: 7494 }),
    );
    expect(parsed.ok && parsed.notification).toMatchObject({
      notificationId: '73271',
      shopId: '7494',
      orderId: '5770123',
    });
  });

  it('keeps every digit of a 19-digit id sent as a bare number when the body goes through parseJsonKeepingBigIntegers', () => {
    const raw =
      '{"type":1,"tts_notification_id":7327111111111111111,"shop_id":7494222222222222222,"timestamp":1706000000,' +
      '"data":{"order_id":5770333333333333337,"order_status":"CANCEL","update_time":1706000000}}';
    const parsed = parseWebhook(parseJsonKeepingBigIntegers(Buffer.from(raw)));
    expect(parsed.ok && parsed.notification).toMatchObject({
      notificationId: '7327111111111111111',
      shopId: '7494222222222222222',
      orderId: '5770333333333333337',
      status: 'CANCELLED',
    });
    // Plain JSON.parse has already rounded it: the parser refuses rather than use another order's id.
    expect(rejectionOf(JSON.parse(raw))).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'tts_notification_id',
      reason: expect.stringContaining('parseJsonKeepingBigIntegers') as unknown,
    });
  });
});

describe('parseWebhook: other types', () => {
  it("reads a seller deauthorization (type 6): the shop, TikTok's message and when it was sent", () => {
    expect(
      parseWebhook({
        type: 6,
        tts_notification_id: '7327112393057371910',
        shop_id: '7494049642642441621',
        timestamp: 1644412885,
        data: { message: 'Shop_id {xxx} is deauthorized from your APP by merchant.' },
      }),
    ).toEqual({
      ok: true,
      notification: {
        kind: 'sellerDeauthorization',
        notificationId: '7327112393057371910',
        shopId: '7494049642642441621',
        message: 'Shop_id {xxx} is deauthorized from your APP by merchant.',
        notifiedAt: '2022-02-09T13:21:25.000Z',
      },
    });
    // Without a shop, nothing to revoke: acknowledged and ignored, as before.
    expect(parseWebhook({ type: 6, tts_notification_id: '7327', timestamp: 1 })).toEqual({
      ok: true,
      notification: { kind: 'ignored', notificationId: '7327', shopId: null, type: 6 },
    });
    expect(parseWebhook({ type: 6, tts_notification_id: '7327', shop_id: '7494' })).toMatchObject({
      ok: true,
      notification: { kind: 'sellerDeauthorization', notifiedAt: undefined, message: '' },
    });
    expect(
      parseWebhook({ type: 6, tts_notification_id: '7327', shop_id: '7494', timestamp: 'soon' }),
    ).toMatchObject({ ok: false, rejection: { field: 'timestamp' } });
  });

  it.each([2, 3, 4, 5, 7, 99])('acknowledges and ignores type %i', (type) => {
    expect(
      parseWebhook({ type, tts_notification_id: '7327', shop_id: '7494', timestamp: 1, data: {} }),
    ).toEqual({
      ok: true,
      notification: { kind: 'ignored', notificationId: '7327', shopId: '7494', type },
    });
  });

  it.each([
    [
      11,
      { cancel_id: '5800', cancellation_status: 'CANCELLATION_REQUEST_COMPLETE' },
      'CANCELLATION_REQUEST_COMPLETE',
    ],
    [
      12,
      { return_id: '4035', return_status: 'RETURN_OR_REFUND_REQUEST_COMPLETE' },
      'RETURN_OR_REFUND_REQUEST_COMPLETE',
    ],
    [12, {}, ''],
  ])('reads a type %i notification as a fact of its order', (type, data, factStatus) => {
    expect(
      parseWebhook({
        type,
        tts_notification_id: '7327',
        shop_id: '7494',
        timestamp: 1706000000,
        data: { order_id: '5770', update_time: 1706000100, ...data },
      }),
    ).toEqual({
      ok: true,
      notification: {
        kind: 'orderFactChange',
        type,
        notificationId: '7327',
        shopId: '7494',
        orderId: '5770',
        factStatus,
        updateTime: '2024-01-23T08:55:00.000Z',
      },
    });
  });

  it('refuses a type 12 notification without its order id', () => {
    expect(
      parseWebhook({
        type: 12,
        tts_notification_id: '7327',
        shop_id: '7494',
        timestamp: 1,
        data: {},
      }),
    ).toMatchObject({ ok: false, rejection: { code: 'MISSING_FIELD', field: 'data.order_id' } });
  });

  it('ignores an unknown type even without shop_id or data, so TikTok stops redelivering it', () => {
    expect(parseWebhook({ type: 42, tts_notification_id: '7327' })).toEqual({
      ok: true,
      notification: { kind: 'ignored', notificationId: '7327', shopId: null, type: 42 },
    });
  });
});

describe('parseWebhook: malformed bodies', () => {
  it.each([null, [], 'a string', 1])('refuses %p as not an object', (body) => {
    expect(rejectionOf(body)).toEqual({
      code: 'NOT_AN_OBJECT',
      field: null,
      reason: 'the body is not a JSON object',
    });
  });

  it.each([
    ['type', { ...orderStatusChange(), type: undefined }, 'MISSING_FIELD'],
    ['type', { ...orderStatusChange(), type: 1.5 }, 'INVALID_FIELD'],
    ['type', { ...orderStatusChange(), type: 'order' }, 'INVALID_FIELD'],
    [
      'tts_notification_id',
      { ...orderStatusChange(), tts_notification_id: undefined },
      'MISSING_FIELD',
    ],
    ['tts_notification_id', { ...orderStatusChange(), tts_notification_id: '' }, 'INVALID_FIELD'],
    ['shop_id', { ...orderStatusChange(), shop_id: undefined }, 'MISSING_FIELD'],
    ['shop_id', { ...orderStatusChange(), shop_id: { id: 1 } }, 'INVALID_FIELD'],
    ['data', { ...orderStatusChange(), data: undefined }, 'MISSING_FIELD'],
    ['data', { ...orderStatusChange(), data: 'order' }, 'INVALID_FIELD'],
    ['data.order_id', orderStatusChange({ order_id: undefined }), 'MISSING_FIELD'],
    ['data.order_id', orderStatusChange({ order_id: -5 }), 'INVALID_FIELD'],
    ['data.update_time', orderStatusChange({ update_time: 'yesterday' }), 'INVALID_FIELD'],
    ['data.update_time', orderStatusChange({ update_time: 1.5 }), 'INVALID_FIELD'],
    ['shop_id', { type: 6, tts_notification_id: '7327', shop_id: 7.5 }, 'INVALID_FIELD'],
  ])('refuses a bad %s with a reason naming it', (field, body, code) => {
    const rejection = rejectionOf(body);
    expect(rejection).toMatchObject({ code, field });
    expect(rejection.reason.startsWith(field)).toBe(true);
  });
});

describe('parseJsonKeepingBigIntegers', () => {
  it('keeps integers beyond 2^53 as their decimal text and leaves the rest as JSON.parse would', () => {
    expect(
      parseJsonKeepingBigIntegers(
        '{"big":9007199254740993,"neg":-9007199254740993,"safe":9007199254740991,"float":19.99,"exp":1e21,"list":[1,12345678901234567890]}',
      ),
    ).toEqual({
      big: '9007199254740993',
      neg: '-9007199254740993',
      safe: 9007199254740991,
      float: 19.99,
      exp: 1e21,
      list: [1, '12345678901234567890'],
    });
  });

  it('does not touch digits inside strings, escaped quotes included', () => {
    const text =
      '{"a":"12345678901234567890","b":"say \\"99999999999999999999\\"","c":"\\\\","d":12345678901234567890}';
    expect(parseJsonKeepingBigIntegers(text)).toEqual({
      a: '12345678901234567890',
      b: 'say "99999999999999999999"',
      c: '\\',
      d: '12345678901234567890',
    });
  });

  it('still throws on invalid JSON, leading zeros included', () => {
    expect(() => parseJsonKeepingBigIntegers('{"a":')).toThrow(SyntaxError);
    expect(() => parseJsonKeepingBigIntegers('[012345678901234567890]')).toThrow(SyntaxError);
    expect(() => parseJsonKeepingBigIntegers('')).toThrow(SyntaxError);
  });
});
