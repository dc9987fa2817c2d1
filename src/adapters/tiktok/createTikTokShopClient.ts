import { mapTikTokOrder, type TikTokShopOrder } from './mapTikTokOrder';
import { mapTikTokReturn, type TikTokShopReturn } from './mapTikTokReturn';
import { parseJsonKeepingBigIntegers } from './parseJsonKeepingBigIntegers';
import { signApiRequest } from './signApiRequest';
import { TikTokApiError, type TikTokApiErrorCode } from './TikTokApiError';
import { readTikTokId } from './tikTokScalars';

export const GET_ORDER_DETAIL_PATH = '/order/202309/orders';
export const SEARCH_ORDERS_PATH = '/order/202309/orders/search';
/** Search Orders takes 1 to 100 orders a page. */
export const MAX_SEARCH_PAGE_SIZE = 100;
export const SEARCH_RETURNS_PATH = '/return_refund/202309/returns/search';
/**
 * Get Authorized Shops (202309): the shops the access token may act for,
 * each with its `cipher`. Signed like every call, with the token in
 * x-tts-access-token and no shop_cipher (it is how one learns the cipher).
 * Verified against public code (search corpus "code"): community SDKs'
 * getAuthorizedShop (GET, x-tts-access-token, app_key and timestamp signed),
 * a credential script signing `/authorization/202309/shops` with only those
 * two parameters, and a published answer's `data.shops[]` with `cipher`,
 * `code`, `id`, `name`, `region`, `seller_type`.
 */
export const GET_AUTHORIZED_SHOPS_PATH = '/authorization/202309/shops';
/** Search Returns takes 1 to 50 returns a page; the returns of one order fit one many times over. */
export const MAX_RETURNS_PAGE_SIZE = 50;
const RETURNS_PAGE_SIZE = MAX_RETURNS_PAGE_SIZE;

export interface TikTokShopClientOptions {
  /** e.g. https://open-api.tiktokglobalshop.com, or a fake's address in tests. */
  baseUrl: string;
  appKey: string;
  appSecret: string;
  /** The shop's access token, sent as `x-tts-access-token`. */
  accessToken: string;
  /** Sent as `shop_cipher` with every shop call whose input names none (a store's own client). */
  shopCipher?: string;
  timeoutMs?: number;
  /** Milliseconds since the epoch; TikTok refuses a timestamp more than 5 minutes off. */
  now?: () => number;
}

export interface SearchOrdersInput {
  shopCipher?: string;
  /** Unix seconds: orders updated at or after this. */
  updateTimeGe: number;
  /** Unix seconds: orders updated before this. */
  updateTimeLt: number;
  /** 1 to 100. */
  pageSize: number;
  /** The previous page's nextPageToken; absent for the first page. */
  pageToken?: string;
}

export interface SearchOrdersPage {
  orders: TikTokShopOrder[];
  /** Absent (or empty) on the last page. */
  nextPageToken: string | undefined;
  totalCount: number | undefined;
}

export interface SearchReturnsPage {
  returns: TikTokShopReturn[];
  /** Absent (or empty) on the last page. */
  nextPageToken: string | undefined;
  totalCount: number | undefined;
}

/** One shop of Get Authorized Shops' `data.shops`. */
export interface TikTokAuthorizedShop {
  id: string;
  name: string;
  region: string;
  sellerType: string;
  /** The shop's cipher: sent as shop_cipher with every call for the shop. A secret of sorts. */
  cipher: string;
  code: string;
}

export interface TikTokShopClient {
  /** The shops this client's access token is authorized for (Get Authorized Shops, 202309). */
  getAuthorizedShops(): Promise<TikTokAuthorizedShop[]>;
  getOrderDetail(input: { orderId: string; shopCipher?: string }): Promise<TikTokShopOrder>;
  /** One page of Search Orders (202309), oldest update first. */
  searchOrders(input: SearchOrdersInput): Promise<SearchOrdersPage>;
  /** Every return and refund of one order (Search Returns, 202309), following next_page_token. */
  searchReturns(input: { orderId: string; shopCipher?: string }): Promise<TikTokShopReturn[]>;
  /** One page of Search Returns (202309) by update time, oldest update first (reconciliation); pages of 1 to 50. */
  searchReturnsUpdated(input: SearchOrdersInput): Promise<SearchReturnsPage>;
}

// TikTok's own codes, from public copies of its common-errors page.
const TOO_MANY_REQUESTS = 36009002;
const INTERNAL_ERROR = 36009003;
const ACCESS_TOKEN_INVALID = 36004004;

/**
 * 36009004 is TikTok's catch-all for a request it will not take (its
 * common-errors page indexes it by message: a missing signature, a stale
 * timestamp, an unexpected shop_cipher, a bad access token...). It is not a
 * rate limit: it stays a permanent refusal, except when its message says the
 * access token is bad, which is an authorization failure like 105xxx.
 */
const INVALID_REQUEST = 36009004;
const ACCESS_TOKEN_MESSAGE = /\b(x-tts-access-token|access_token|access token)\b/i;

function classifyTikTokCode(tikTokCode: number, message: string): TikTokApiErrorCode {
  if (tikTokCode === TOO_MANY_REQUESTS) return 'RATE_LIMITED';
  if (tikTokCode === INTERNAL_ERROR) return 'SERVER_ERROR';
  if (tikTokCode === INVALID_REQUEST && ACCESS_TOKEN_MESSAGE.test(message)) return 'AUTH_FAILED';
  // 105xxx: access token and scope; 106xxx: app key and signature.
  if ((tikTokCode >= 105000 && tikTokCode < 107000) || tikTokCode === ACCESS_TOKEN_INVALID) {
    return 'AUTH_FAILED';
  }
  return 'API_ERROR';
}

/** What differs between the two searches by update time. */
interface UpdateTimeSearch {
  name: string;
  listField: string;
  maxPageSize: number;
}
const ORDERS_SEARCH: UpdateTimeSearch = {
  name: 'Search Orders',
  listField: 'orders',
  maxPageSize: MAX_SEARCH_PAGE_SIZE,
};
const RETURNS_SEARCH: UpdateTimeSearch = {
  name: 'Search Returns',
  listField: 'return_orders',
  maxPageSize: MAX_RETURNS_PAGE_SIZE,
};

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** TikTok's numbers (`code`, `total_count`); some gateways send them as strings. */
function readInteger(value: unknown): number | undefined {
  const code = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof code === 'number' && Number.isSafeInteger(code) ? code : undefined;
}

function transportError(error: unknown, timedOut: boolean, timeoutMs: number): TikTokApiError {
  if (timedOut) {
    return new TikTokApiError('TIMEOUT', `TikTok Shop did not answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  // Not `instanceof Error`: errors thrown by fetch may come from another realm (jest's vm, undici).
  const reason =
    typeof error === 'object' && error !== null && 'message' in error
      ? String(error.message)
      : String(error);
  return new TikTokApiError('NETWORK', `TikTok Shop could not be reached: ${reason}`, {
    cause: error,
  });
}

export function createTikTokShopClient({
  baseUrl,
  appKey,
  appSecret,
  accessToken,
  shopCipher: clientShopCipher,
  timeoutMs = 10000,
  now = () => Date.now(),
}: TikTokShopClientOptions): TikTokShopClient {
  const origin = baseUrl.replace(/\/+$/, '');
  const cipherOf = (shopCipher: string | undefined) => shopCipher ?? clientShopCipher;

  /**
   * One signed call; resolves to `data` of a `code: 0` answer, or throws
   * TikTokApiError. A POST's JSON body is part of the signed text.
   */
  async function signedRequest(
    path: string,
    parameters: Record<string, string>,
    jsonBody?: unknown,
  ): Promise<unknown> {
    const query: Record<string, string> = {
      ...parameters,
      app_key: appKey,
      timestamp: String(Math.floor(now() / 1000)),
    };
    const requestBody = jsonBody === undefined ? undefined : JSON.stringify(jsonBody);
    query.sign = signApiRequest({ path, query, body: requestBody, appSecret });
    const url = `${origin}${path}?${new URLSearchParams(query).toString()}`;

    let httpStatus: number;
    let text: string;
    // The one signal covers reading the body too: a server that sends
    // headers and then stalls still times out.
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const headers: Record<string, string> = {
        'x-tts-access-token': accessToken,
        accept: 'application/json',
      };
      if (requestBody !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(url, {
        method: requestBody === undefined ? 'GET' : 'POST',
        headers,
        body: requestBody,
        signal,
      });
      httpStatus = response.status;
      text = await response.text();
    } catch (error) {
      throw transportError(error, signal.aborted, timeoutMs);
    }

    let answer: unknown;
    try {
      answer = parseJsonKeepingBigIntegers(text);
    } catch {
      answer = undefined;
    }
    const envelope = isObject(answer) ? answer : {};
    const tikTokCode = readInteger(envelope.code);
    const message = typeof envelope.message === 'string' ? envelope.message : '';
    const requestId = typeof envelope.request_id === 'string' ? envelope.request_id : undefined;
    const details = { httpStatus, tikTokCode, requestId };
    const said = message === '' ? '' : `: ${message}`;

    if (httpStatus === 429) {
      throw new TikTokApiError('RATE_LIMITED', `TikTok Shop rate limit (HTTP 429)${said}`, details);
    }
    if (httpStatus >= 500) {
      throw new TikTokApiError(
        'SERVER_ERROR',
        `TikTok Shop answered HTTP ${httpStatus}${said}`,
        details,
      );
    }
    if (tikTokCode === undefined) {
      throw new TikTokApiError(
        'UNEXPECTED_RESPONSE',
        `TikTok Shop answered HTTP ${httpStatus} without a JSON code`,
        details,
      );
    }
    if (tikTokCode !== 0) {
      throw new TikTokApiError(
        classifyTikTokCode(tikTokCode, message),
        `TikTok Shop refused ${path} with code ${tikTokCode}${said}`,
        details,
      );
    }
    if (httpStatus < 200 || httpStatus >= 300) {
      throw new TikTokApiError(
        'UNEXPECTED_RESPONSE',
        `TikTok Shop answered HTTP ${httpStatus} with code 0`,
        details,
      );
    }
    return envelope.data;
  }

  /**
   * One page of a search by update time, oldest update first (Search Orders
   * and Search Returns take the same window, paging and sort): the listed
   * items as TikTok sent them, for the caller to map.
   */
  async function searchByUpdateTime(
    path: string,
    search: UpdateTimeSearch,
    { shopCipher: inputCipher, updateTimeGe, updateTimeLt, pageSize, pageToken }: SearchOrdersInput,
  ): Promise<{
    items: unknown[];
    nextPageToken: string | undefined;
    totalCount: number | undefined;
  }> {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > search.maxPageSize) {
      throw new RangeError(`page size must be 1 to ${search.maxPageSize}, got ${pageSize}`);
    }
    const parameters: Record<string, string> = {
      page_size: String(pageSize),
      sort_field: 'update_time',
      sort_order: 'ASC',
    };
    const shopCipher = cipherOf(inputCipher);
    if (shopCipher !== undefined) parameters.shop_cipher = shopCipher;
    if (pageToken !== undefined && pageToken !== '') parameters.page_token = pageToken;
    const data = await signedRequest(path, parameters, {
      update_time_ge: updateTimeGe,
      update_time_lt: updateTimeLt,
    });
    if (!isObject(data)) {
      throw new TikTokApiError('UNEXPECTED_RESPONSE', `${search.name} answered without data`);
    }
    // A page with nothing found may leave the list out.
    const raw = data[search.listField] ?? [];
    if (!Array.isArray(raw)) {
      throw new TikTokApiError(
        'UNEXPECTED_RESPONSE',
        `${search.name} answered with data.${search.listField} not a list`,
      );
    }
    const next = data.next_page_token;
    if (next !== undefined && next !== null && typeof next !== 'string') {
      throw new TikTokApiError(
        'UNEXPECTED_RESPONSE',
        `${search.name} answered with a next_page_token that is not a string`,
      );
    }
    const total = readInteger(data.total_count);
    return {
      items: raw,
      nextPageToken: typeof next === 'string' && next !== '' ? next : undefined,
      totalCount: total !== undefined && total >= 0 ? total : undefined,
    };
  }

  return {
    async getAuthorizedShops() {
      const data = await signedRequest(GET_AUTHORIZED_SHOPS_PATH, {});
      const shops = isObject(data) && Array.isArray(data.shops) ? data.shops : undefined;
      if (shops === undefined) {
        throw new TikTokApiError(
          'UNEXPECTED_RESPONSE',
          'Get Authorized Shops answered without data.shops',
        );
      }
      return shops.map((shop, index) => authorizedShopOf(shop, index));
    },

    async getOrderDetail({ orderId, shopCipher: inputCipher }) {
      const parameters: Record<string, string> = { ids: orderId };
      const shopCipher = cipherOf(inputCipher);
      if (shopCipher !== undefined) parameters.shop_cipher = shopCipher;
      const data = await signedRequest(GET_ORDER_DETAIL_PATH, parameters);
      const orders = isObject(data) && Array.isArray(data.orders) ? data.orders : undefined;
      if (orders === undefined) {
        throw new TikTokApiError(
          'UNEXPECTED_RESPONSE',
          'Get Order Detail answered without data.orders',
        );
      }
      const raw: unknown = orders.find((order) => {
        if (!isObject(order)) return false;
        const id = readTikTokId(order.id);
        return id.ok && id.value === orderId;
      });
      if (raw === undefined) {
        throw new TikTokApiError('NOT_FOUND', `TikTok Shop has no order ${orderId} for this shop`);
      }
      return mapTikTokOrder(raw);
    },

    async searchOrders(input) {
      const page = await searchByUpdateTime(SEARCH_ORDERS_PATH, ORDERS_SEARCH, input);
      return {
        orders: page.items.map((order) => mapTikTokOrder(order)),
        nextPageToken: page.nextPageToken,
        totalCount: page.totalCount,
      };
    },

    async searchReturnsUpdated(input) {
      const page = await searchByUpdateTime(SEARCH_RETURNS_PATH, RETURNS_SEARCH, input);
      return {
        returns: page.items.map((item) => mapTikTokReturn(item)),
        // A page with no returns is the last, whatever token came with it.
        nextPageToken: page.items.length > 0 ? page.nextPageToken : undefined,
        totalCount: page.totalCount,
      };
    },

    async searchReturns({ orderId, shopCipher: inputCipher }) {
      const shopCipher = cipherOf(inputCipher);
      const found: TikTokShopReturn[] = [];
      let pageToken: string | undefined;
      for (;;) {
        const parameters: Record<string, string> = { page_size: String(RETURNS_PAGE_SIZE) };
        if (shopCipher !== undefined) parameters.shop_cipher = shopCipher;
        if (pageToken !== undefined) parameters.page_token = pageToken;
        const data = await signedRequest(SEARCH_RETURNS_PATH, parameters, { order_ids: [orderId] });
        const returns =
          isObject(data) && Array.isArray(data.return_orders) ? data.return_orders : undefined;
        if (returns === undefined) {
          // An order without returns may come back with no list at all.
          if (isObject(data) && data.return_orders === undefined) return found;
          throw new TikTokApiError(
            'UNEXPECTED_RESPONSE',
            'Search Returns answered without data.return_orders',
          );
        }
        for (const raw of returns) {
          const mapped = mapTikTokReturn(raw);
          if (mapped.orderId === orderId) found.push(mapped);
        }
        const next = isObject(data) ? data.next_page_token : undefined;
        if (typeof next !== 'string' || next === '' || returns.length === 0) return found;
        pageToken = next;
      }
    },
  };
}

/** A shop of Get Authorized Shops, checked: an id and a cipher are what the callback needs. */
function authorizedShopOf(raw: unknown, index: number): TikTokAuthorizedShop {
  const shop = isObject(raw) ? raw : {};
  const id = readTikTokId(shop.id);
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  if (!id.ok || typeof shop.cipher !== 'string' || shop.cipher === '') {
    throw new TikTokApiError(
      'UNEXPECTED_RESPONSE',
      `Get Authorized Shops answered data.shops[${index}] without an id and a cipher`,
    );
  }
  return {
    id: id.value,
    name: text(shop.name),
    region: text(shop.region),
    sellerType: text(shop.seller_type),
    cipher: shop.cipher,
    code: text(shop.code),
  };
}
