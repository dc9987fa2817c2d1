import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeTikTokAuth, TOKEN_GET, TOKEN_REFRESH } from './fakeTikTokAuth';

/**
 * A local stand-in for the TikTok Shop Open API (there is no public sandbox).
 * It checks each request the way TikTok does (app key, timestamp window,
 * signature, access token) and serves Get Order Detail, Search Orders
 * (by update time, paged with opaque page tokens) and Search Returns (202309)
 * in TikTok's shape.
 *
 * The signature is recomputed here on its own, not with the adapter's
 * signApiRequest: a fake sharing the client's code would accept the client's
 * mistakes.
 */

export interface FakeTikTokShopOptions {
  appKey: string;
  appSecret: string;
  accessToken: string;
  /** When set, requests must carry this shop_cipher. */
  shopCipher?: string;
  /** The fake's clock in milliseconds, for the timestamp window. */
  now?: () => number;
  /**
   * Sellers' authorizations (test/support/fakeTikTokAuth.ts): the token
   * endpoints are served too, and the access tokens they issue are accepted,
   * each with its own shops' ciphers, beside `accessToken`.
   */
  auth?: FakeTikTokAuth;
}

/**
 * What the next `times` requests (default 1) get instead of a normal answer,
 * after `after` requests (default 0) were answered normally.
 */
export type FakeTikTokShopFault = { times?: number; after?: number } & (
  | { kind: 'serverError'; httpStatus?: number }
  /** No answer at all until the fake is closed. */
  | { kind: 'hang' }
  | { kind: 'rateLimited' }
  | { kind: 'apiError'; code: number; message: string; httpStatus?: number }
);

export interface RecordedTikTokRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The raw body text ('' for none). */
  body: string;
  headers: IncomingHttpHeaders;
  /** HTTP status answered; undefined while the request hangs. */
  answeredStatus?: number;
  /** TikTok's `code` answered; undefined while the request hangs. */
  answeredCode?: number;
}

export interface FakeTikTokShop {
  baseUrl: string;
  /** An order in TikTok's own JSON shape (see tikTokOrderJson); the same id again replaces it. */
  addOrder(rawTikTokOrderJson: Record<string, unknown>): void;
  /** Search Orders requests that were answered with orders (code 0). */
  searchPagesServed(): number;
  /** A return or refund in TikTok's shape (see tikTokReturnJson); one with the same return_id is replaced. */
  addReturn(rawTikTokReturnJson: Record<string, unknown>): void;
  requests: RecordedTikTokRequest[];
  inject(fault: FakeTikTokShopFault): void;
  close(): Promise<void>;
}

const TIMESTAMP_WINDOW_SECONDS = 5 * 60;
const SEARCH_RETURNS = '/return_refund/202309/returns/search';

// TikTok's codes and messages, as public copies of its documentation show them.
const INVALID_PARAMETER = 36009004;
const SIGN_INVALID = 106001;
const ACCESS_TOKEN_INVALID = 105001;
const TOO_MANY_REQUESTS = 36009002;
const INTERNAL_ERROR = 36009003;
const PATH_NOT_FOUND = 36009009;
const SEARCH_PATH = '/order/202309/orders/search';
const DETAIL_PATH = '/order/202309/orders';
const AUTHORIZED_SHOPS_PATH = '/authorization/202309/shops';

/** A request TikTok would refuse: answered with a non-zero code, thrown to stop checking further. */
export class TikTokRefusal extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TikTokRefusal';
  }
}

function sameSecret(received: string, expected: string): boolean {
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function expectedSign(
  appSecret: string,
  path: string,
  query: Record<string, string>,
  body: string,
): string {
  let text = appSecret + path;
  for (const key of Object.keys(query).sort()) {
    if (key !== 'sign' && key !== 'access_token') text += key + query[key];
  }
  text += body + appSecret;
  return createHmac('sha256', appSecret).update(text).digest('hex');
}

export async function startFakeTikTokShop({
  appKey,
  appSecret,
  accessToken,
  shopCipher,
  now = () => Date.now(),
  auth,
}: FakeTikTokShopOptions): Promise<FakeTikTokShop> {
  const orders = new Map<string, Record<string, unknown>>();
  const returns = new Map<string, Record<string, unknown>>();
  const faults: Array<{ fault: FakeTikTokShopFault; remaining: number; after: number }> = [];
  const requests: RecordedTikTokRequest[] = [];
  const pageTokens = new Map<string, { window: string; offset: number }>();
  let searchPages = 0;

  function nextFault(): FakeTikTokShopFault | undefined {
    const head = faults[0];
    if (head === undefined) return undefined;
    if (head.after > 0) {
      head.after -= 1;
      return undefined;
    }
    head.remaining -= 1;
    if (head.remaining <= 0) faults.shift();
    return head.fault;
  }

  function checkCredentials(
    path: string,
    query: Record<string, string>,
    headers: IncomingHttpHeaders,
    body: string,
  ): void {
    if (query.app_key !== appKey) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid credentials. Invalid `app_key` query parameter.',
      );
    }
    const timestamp = Number(query.timestamp);
    if (query.timestamp === undefined || !Number.isSafeInteger(timestamp)) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid timestamp. The `timestamp` query parameter is required.',
      );
    }
    if (Math.abs(Math.floor(now() / 1000) - timestamp) > TIMESTAMP_WINDOW_SECONDS) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than 5 minutes before the current time.',
      );
    }
    if (query.sign === undefined) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Missing credentials. The request does not include a required signature in the query.',
      );
    }
    if (!sameSecret(query.sign, expectedSign(appSecret, path, query, body))) {
      throw new TikTokRefusal(
        401,
        SIGN_INVALID,
        "Invalid credentials. The 'sign' query parameter is invalid.",
      );
    }
    const token = headers['x-tts-access-token'];
    const sellerShops = typeof token === 'string' ? auth?.shopsOfAccessToken(token) : undefined;
    if (sellerShops !== undefined) {
      // A seller's own token: Get Authorized Shops takes no cipher, every other call one of its shops'.
      if (path === AUTHORIZED_SHOPS_PATH) {
        if (query.shop_cipher !== undefined) {
          throw new TikTokRefusal(
            400,
            INVALID_PARAMETER,
            'Invalid parameter. `shop_cipher` is not taken here.',
          );
        }
      } else if (!sellerShops.some((shop) => shop.cipher === query.shop_cipher)) {
        throw new TikTokRefusal(
          400,
          INVALID_PARAMETER,
          "Invalid identifier. The `shop_cipher` query parameter is not one of this token's shops.",
        );
      }
      return;
    }
    if (typeof token !== 'string' || !sameSecret(token, accessToken)) {
      throw new TikTokRefusal(
        401,
        ACCESS_TOKEN_INVALID,
        'Invalid credentials. The `x-tts-access-token` header is invalid.',
      );
    }
    if (shopCipher !== undefined && query.shop_cipher !== shopCipher) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid identifier. The `shop_cipher` query parameter is invalid.',
      );
    }
  }

  function getOrderDetail(query: Record<string, string>): unknown {
    const ids = (query.ids ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0)
      throw new TikTokRefusal(400, INVALID_PARAMETER, 'Invalid parameter. `ids` is required.');
    return { orders: ids.flatMap((id) => orders.get(id) ?? []) };
  }

  /**
   * Search Orders 202309: orders with update_time_ge <= update_time <
   * update_time_lt, oldest update first (ties by id). A page token names the
   * window it was issued for and where the next page starts; a token used
   * with another window, or one the fake never issued, is refused.
   */
  function searchOrders(query: Record<string, string>, body: string): unknown {
    const pageSize = Number(query.page_size);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid parameter. `page_size` must be 1-100.',
      );
    }
    if (query.sort_field !== undefined && query.sort_field !== 'update_time') {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid parameter. `sort_field` is not supported.',
      );
    }
    if (
      query.sort_order !== undefined &&
      query.sort_order !== 'ASC' &&
      query.sort_order !== 'DESC'
    ) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid parameter. `sort_order` is ASC or DESC.',
      );
    }
    let filter: Record<string, unknown>;
    try {
      filter = JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>;
    } catch {
      throw new TikTokRefusal(400, INVALID_PARAMETER, 'Invalid parameter. The body is not JSON.');
    }
    const ge = filter.update_time_ge;
    const lt = filter.update_time_lt;
    if (!Number.isSafeInteger(ge) || !Number.isSafeInteger(lt) || (ge as number) > (lt as number)) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid parameter. `update_time_ge` and `update_time_lt` are Unix seconds, ge <= lt.',
      );
    }
    const window = `${ge as number}-${lt as number}`;
    let offset = 0;
    if (query.page_token !== undefined) {
      const issued = pageTokens.get(query.page_token);
      if (issued === undefined || issued.window !== window) {
        throw new TikTokRefusal(
          400,
          INVALID_PARAMETER,
          'Invalid parameter. `page_token` is invalid.',
        );
      }
      offset = issued.offset;
    }
    const sign = query.sort_order === 'DESC' ? -1 : 1;
    const matching = [...orders.values()]
      .filter((order) => {
        const updated = order.update_time as number;
        return updated >= (ge as number) && updated < (lt as number);
      })
      .sort(
        (a, b) =>
          sign * ((a.update_time as number) - (b.update_time as number)) ||
          (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0),
      );
    const page = matching.slice(offset, offset + pageSize);
    const data: Record<string, unknown> = { orders: page, total_count: matching.length };
    if (offset + pageSize < matching.length) {
      const token = randomBytes(12).toString('base64url');
      pageTokens.set(token, { window, offset: offset + pageSize });
      data.next_page_token = token;
    } else {
      data.next_page_token = '';
    }
    searchPages += 1;
    return data;
  }

  /**
   * Search Returns 202309: the returns of the order_ids asked for, or those
   * with update_time_ge <= update_time < update_time_lt, oldest update first
   * (ties by id), paged like Search Orders (page_size 1 to 50).
   */
  function searchReturns(query: Record<string, string>, body: string): unknown {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>;
    } catch {
      throw new TikTokRefusal(400, INVALID_PARAMETER, 'Invalid parameter. The body is not JSON.');
    }
    const pageSize = Number(query.page_size ?? '20');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50) {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid parameter. `page_size` must be 1-50.',
      );
    }
    const orderIds = parsed.order_ids;
    const ge = parsed.update_time_ge;
    const lt = parsed.update_time_lt;
    let matching: Array<Record<string, unknown>>;
    if (orderIds !== undefined) {
      if (!Array.isArray(orderIds) || orderIds.some((id) => typeof id !== 'string'))
        throw new TikTokRefusal(
          400,
          INVALID_PARAMETER,
          'Invalid parameter. `order_ids` must be strings.',
        );
      const wanted = new Set(orderIds as string[]);
      matching = [...returns.values()].filter((r) => wanted.has(r.order_id as string));
    } else if (ge !== undefined || lt !== undefined) {
      if (
        !Number.isSafeInteger(ge) ||
        !Number.isSafeInteger(lt) ||
        (ge as number) > (lt as number)
      ) {
        throw new TikTokRefusal(
          400,
          INVALID_PARAMETER,
          'Invalid parameter. `update_time_ge` and `update_time_lt` are Unix seconds, ge <= lt.',
        );
      }
      matching = [...returns.values()].filter((r) => {
        const updated = r.update_time as number;
        return updated >= (ge as number) && updated < (lt as number);
      });
    } else {
      throw new TikTokRefusal(
        400,
        INVALID_PARAMETER,
        'Invalid parameter. Name orders or a time range.',
      );
    }
    matching.sort(
      (a, b) =>
        (a.update_time as number) - (b.update_time as number) ||
        (String(a.return_id) < String(b.return_id)
          ? -1
          : String(a.return_id) > String(b.return_id)
            ? 1
            : 0),
    );
    const window = `returns ${JSON.stringify(orderIds ?? null)} ${String(ge)}-${String(lt)}`;
    let offset = 0;
    if (query.page_token !== undefined) {
      const issued = pageTokens.get(query.page_token);
      if (issued === undefined || issued.window !== window) {
        throw new TikTokRefusal(
          400,
          INVALID_PARAMETER,
          'Invalid parameter. `page_token` is invalid.',
        );
      }
      offset = issued.offset;
    }
    const page = matching.slice(offset, offset + pageSize);
    const data: Record<string, unknown> = {
      return_orders: page,
      total_count: matching.length,
      next_page_token: '',
    };
    if (offset + pageSize < matching.length) {
      const token = randomBytes(12).toString('base64url');
      pageTokens.set(token, { window, offset: offset + pageSize });
      data.next_page_token = token;
    }
    return data;
  }

  function answer(
    response: ServerResponse,
    recorded: RecordedTikTokRequest,
    httpStatus: number,
    code: number,
    message: string,
    data?: unknown,
  ): void {
    recorded.answeredStatus = httpStatus;
    recorded.answeredCode = code;
    const requestId = randomBytes(16).toString('hex').toUpperCase();
    const body = JSON.stringify({ code, message, request_id: requestId, data: data ?? null });
    response.writeHead(httpStatus, { 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    const query = Object.fromEntries(url.searchParams);
    const recorded: RecordedTikTokRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query,
      body,
      headers: request.headers,
    };
    requests.push(recorded);

    const fault = nextFault();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'serverError') {
      const status = fault.httpStatus ?? 503;
      recorded.answeredStatus = status;
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end('<html><body>Service Unavailable</body></html>');
      return;
    }
    if (fault?.kind === 'rateLimited') {
      answer(
        response,
        recorded,
        429,
        TOO_MANY_REQUESTS,
        "Too many requests. You've made too many requests in a short period of time.",
      );
      return;
    }
    if (fault?.kind === 'apiError') {
      answer(response, recorded, fault.httpStatus ?? 200, fault.code, fault.message);
      return;
    }

    try {
      const route = `${request.method ?? 'GET'} ${url.pathname}`;
      if (
        auth !== undefined &&
        (route === `GET ${TOKEN_GET}` || route === `GET ${TOKEN_REFRESH}`)
      ) {
        // The auth host's endpoints are not signed: app_key and app_secret come in the query.
        answer(response, recorded, 200, 0, 'success', auth.answer(url.pathname, query));
        return;
      }
      if (route === `GET ${AUTHORIZED_SHOPS_PATH}`) {
        checkCredentials(url.pathname, query, request.headers, body);
        const token = request.headers['x-tts-access-token'] as string;
        const shops = auth?.shopsOfAccessToken(token) ?? [];
        answer(response, recorded, 200, 0, 'Success', {
          shops: shops.map((shop) => ({
            id: shop.id,
            name: shop.name,
            region: shop.region,
            seller_type: 'LOCAL',
            cipher: shop.cipher,
            code: `${shop.region}LC${shop.id.slice(-4)}`,
          })),
        });
        return;
      }
      if (
        route !== `GET ${DETAIL_PATH}` &&
        route !== `POST ${SEARCH_PATH}` &&
        route !== `POST ${SEARCH_RETURNS}`
      ) {
        throw new TikTokRefusal(
          404,
          PATH_NOT_FOUND,
          'Invalid path. The requested path does not exist.',
        );
      }
      checkCredentials(url.pathname, query, request.headers, body);
      const data =
        route === `GET ${DETAIL_PATH}`
          ? getOrderDetail(query)
          : route === `POST ${SEARCH_PATH}`
            ? searchOrders(query, body)
            : searchReturns(query, body);
      answer(response, recorded, 200, 0, 'Success', data);
    } catch (error) {
      if (!(error instanceof TikTokRefusal)) throw error;
      answer(response, recorded, error.httpStatus, error.code, error.message);
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const recorded = requests.at(-1);
      if (recorded !== undefined) recorded.answeredStatus = 500;
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: INTERNAL_ERROR, message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    addOrder(raw) {
      const id = raw.id;
      if (typeof id !== 'string') throw new Error('a TikTok order id is a string');
      orders.set(id, raw);
    },
    searchPagesServed: () => searchPages,
    addReturn(raw) {
      const id = raw.return_id;
      if (typeof id !== 'string') throw new Error('a TikTok return id is a string');
      returns.set(id, raw);
    },
    requests,
    inject(fault) {
      faults.push({ fault, remaining: fault.times ?? 1, after: fault.after ?? 0 });
    },
    close() {
      // Hanging requests keep their sockets open; close() alone would wait for them forever.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
    },
  };
}

export interface FakeOrderItem {
  sellerSku?: string;
  skuId?: string;
  productName?: string;
  skuName?: string;
  /** Decimal string, as TikTok sends prices. */
  salePrice: string;
  originalPrice?: string;
  quantity: number;
  isGift?: boolean;
  /** The first this many units show display_status CANCELLED (a line cancellation). */
  cancelledUnits?: number;
}

export interface FakeOrderSpec {
  id: string;
  status?: string;
  fulfillmentType?: 'FULFILLMENT_BY_TIKTOK' | 'FULFILLMENT_BY_SELLER';
  /** Seconds since the epoch. */
  createTime?: number;
  updateTime?: number;
  currency?: string;
  items: FakeOrderItem[];
  cancelReason?: string;
  /** BUYER, SELLER, SYSTEM, ... as TikTok sends it. */
  cancellationInitiator?: string;
}

/** Adds decimal strings without floats: "19.99" + "0.01" is "20.00", exactly. */
function sumDecimals(amounts: string[]): string {
  const scale = Math.max(2, ...amounts.map((amount) => amount.split('.')[1]?.length ?? 0));
  const total = amounts.reduce((sum, amount) => {
    const [whole = '0', fraction = ''] = amount.split('.');
    return sum + BigInt(whole + fraction.padEnd(scale, '0'));
  }, 0n);
  const digits = total.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * An order as Get Order Detail (202309) returns it: every unit its own line
 * item, prices as strings. `quantity` in the spec is expanded into that many
 * line items.
 */
export function tikTokOrderJson(spec: FakeOrderSpec): Record<string, unknown> {
  const currency = spec.currency ?? 'USD';
  const createTime = spec.createTime ?? 1706000000;
  let unitNumber = 0;
  const lineItems = spec.items.flatMap((item, itemIndex) =>
    Array.from({ length: item.quantity }, (_, unitOfItem) => {
      unitNumber += 1;
      return {
        id: `${spec.id.slice(0, 10)}${String(unitNumber).padStart(9, '0')}`,
        sku_id: item.skuId ?? `17${String(itemIndex + 1).padStart(17, '0')}`,
        seller_sku: item.sellerSku ?? '',
        product_id: '1729000000000000000',
        product_name: item.productName ?? 'Product',
        sku_name: item.skuName ?? '',
        sale_price: item.salePrice,
        original_price: item.originalPrice ?? item.salePrice,
        currency,
        display_status:
          unitOfItem < (item.cancelledUnits ?? 0)
            ? 'CANCELLED'
            : (spec.status ?? 'AWAITING_SHIPMENT'),
        package_id: '',
        is_gift: item.isGift ?? false,
      };
    }),
  );
  const total = sumDecimals(lineItems.map((unit) => unit.sale_price));
  return {
    id: spec.id,
    status: spec.status ?? 'AWAITING_SHIPMENT',
    fulfillment_type: spec.fulfillmentType ?? 'FULFILLMENT_BY_SELLER',
    create_time: createTime,
    update_time: spec.updateTime ?? createTime,
    payment: {
      currency,
      sub_total: total,
      shipping_fee: '0.00',
      tax: '0.00',
      total_amount: total,
    },
    line_items: lineItems,
    ...(spec.cancelReason === undefined ? {} : { cancel_reason: spec.cancelReason }),
    ...(spec.cancellationInitiator === undefined
      ? {}
      : { cancellation_initiator: spec.cancellationInitiator }),
  };
}

export interface FakeReturnSpec {
  returnId: string;
  orderId: string;
  /** e.g. RETURN_OR_REFUND_REQUEST_PENDING, RETURN_OR_REFUND_REQUEST_COMPLETE, ..._REJECT, ..._CANCEL. */
  status: string;
  /** REFUND, RETURN_AND_REFUND or REPLACEMENT. */
  returnType?: string;
  refundTotal: string;
  currency?: string;
  /** TikTok's ids of the returned units (order_line_item_id: an order's line_items[].id). */
  unitIds: string[];
  /** Seconds since the epoch. */
  updateTime?: number;
}

/** A return as Search Returns (202309) lists it in data.return_orders. */
export function tikTokReturnJson(spec: FakeReturnSpec): Record<string, unknown> {
  const currency = spec.currency ?? 'USD';
  const updateTime = spec.updateTime ?? 1706003600;
  return {
    return_id: spec.returnId,
    order_id: spec.orderId,
    return_status: spec.status,
    return_type: spec.returnType ?? 'REFUND',
    role: 'BUYER',
    return_reason: 'ecom_order_delivered_refund_and_return_reason_damaged',
    return_reason_text: 'Damaged',
    create_time: updateTime - 600,
    update_time: updateTime,
    refund_amount: {
      currency,
      refund_total: spec.refundTotal,
      refund_subtotal: spec.refundTotal,
      refund_shipping_fee: '0.00',
      refund_tax: '0.00',
    },
    return_line_items: spec.unitIds.map((id, index) => ({
      return_line_item_id: `${spec.returnId}${String(index + 1).padStart(3, '0')}`,
      order_line_item_id: id,
      sku_id: '',
      seller_sku: '',
      product_name: 'Product',
      refund_amount: { currency, refund_total: '0.00' },
    })),
  };
}
