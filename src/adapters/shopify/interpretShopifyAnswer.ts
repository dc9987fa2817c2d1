import { PlatformError } from '../../sync/platformPort';
import { isJsonObject, type JsonObject, unexpectedAnswer } from './jsonObject';
import { msUntilAvailable, type ThrottleStatus } from './throttleBudget';

/** Shopify's `extensions.cost`. */
export interface QueryCost {
  requestedQueryCost: number;
  throttleStatus: ThrottleStatus;
}

export interface ShopifyAnswer {
  httpStatus: number;
  /** Retry-After, as sent. */
  retryAfter: string | null;
  /** Location of a redirect, as sent. */
  location: string | null;
  /** The parsed JSON body; undefined when the body was not JSON. */
  body: unknown;
}

// Used when Shopify says "later" without saying when.
const DEFAULT_RETRY_AFTER_MS = 2000;
const MAX_MESSAGE_LENGTH = 500;

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function readQueryCost(body: unknown): QueryCost | undefined {
  const cost = isJsonObject(body) && isJsonObject(body.extensions) ? body.extensions.cost : null;
  if (!isJsonObject(cost) || !isJsonObject(cost.throttleStatus)) return undefined;
  const { maximumAvailable, currentlyAvailable, restoreRate } = cost.throttleStatus;
  if (
    !isFiniteNumber(cost.requestedQueryCost) ||
    !isFiniteNumber(maximumAvailable) ||
    !isFiniteNumber(currentlyAvailable) ||
    !isFiniteNumber(restoreRate)
  ) {
    return undefined;
  }
  return {
    requestedQueryCost: cost.requestedQueryCost,
    throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate },
  };
}

/** Retry-After is seconds (Shopify sends decimals such as "2.0") or an HTTP date. */
function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface GraphqlError {
  message: string;
  code: string | undefined;
}

function readGraphqlErrors(errors: unknown): GraphqlError[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((error) => {
    const object = isJsonObject(error) ? error : {};
    const extensions = isJsonObject(object.extensions) ? object.extensions : {};
    return {
      message: typeof object.message === 'string' ? object.message : JSON.stringify(error),
      code: typeof extensions.code === 'string' ? extensions.code : undefined,
    };
  });
}

/** Shopify's `errors` comes as a string, a map of field to message, or GraphQL's list. */
function describeErrors(body: unknown): string {
  const errors = isJsonObject(body) ? body.errors : undefined;
  let text: string;
  if (typeof errors === 'string') text = errors;
  else if (Array.isArray(errors))
    text = readGraphqlErrors(errors)
      .map((e) => e.message)
      .join('; ');
  else if (isJsonObject(errors)) {
    text = Object.entries(errors)
      .map(
        ([field, message]) =>
          `${field}: ${typeof message === 'string' ? message : JSON.stringify(message)}`,
      )
      .join('; ');
  } else text = '';
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

function throttledRetryAfterMs(
  cost: QueryCost | undefined,
  retryAfterMs: number | undefined,
): number {
  const fromCost =
    cost === undefined
      ? 0
      : msUntilAvailable(
          cost.requestedQueryCost,
          cost.throttleStatus.currentlyAvailable,
          cost.throttleStatus,
        );
  const longest = Math.max(fromCost, retryAfterMs ?? 0);
  return longest > 0 ? longest : DEFAULT_RETRY_AFTER_MS;
}

function httpFailure(
  shop: string,
  answer: ShopifyAnswer,
  cost: QueryCost | undefined,
  now: number,
) {
  const { httpStatus: status } = answer;
  const described = describeErrors(answer.body);
  const said = described === '' ? '' : `: ${described}`;
  if (status === 401 || status === 403) {
    return new PlatformError(
      'UNAUTHORIZED',
      `Shopify refused the access token for ${shop} (HTTP ${status})${said}`,
    );
  }
  // A missing shop or a redirect (a renamed or mistyped domain) needs an
  // operator, like a bad token. We never follow the redirect: it would carry
  // the access token to another host.
  if (status === 404) {
    return new PlatformError(
      'UNAUTHORIZED',
      `Shopify has no Admin API at ${shop} (HTTP 404): check the store's shop domain`,
    );
  }
  if (status >= 300 && status < 400) {
    return new PlatformError(
      'UNAUTHORIZED',
      `Shopify redirected the request for ${shop} to ${answer.location ?? 'another address'} (HTTP ${status}): check the store's shop domain`,
    );
  }
  if (status === 429) {
    return new PlatformError(
      'THROTTLED',
      `Shopify rate limit for ${shop} (HTTP 429)${said}`,
      throttledRetryAfterMs(cost, parseRetryAfter(answer.retryAfter, now)),
    );
  }
  // 402: the shop is frozen until its owner pays Shopify; 423: locked. Both
  // lift without us, so they are worth retrying.
  if (status === 402 || status === 423 || status >= 500) {
    return new PlatformError('UNAVAILABLE', `Shopify answered HTTP ${status} for ${shop}${said}`);
  }
  return new PlatformError('REJECTED', `Shopify refused the request (HTTP ${status})${said}`);
}

function graphqlFailure(errors: GraphqlError[], cost: QueryCost | undefined): PlatformError {
  const messages = errors.map((error) => error.message).join('; ');
  const codes = new Set(errors.map((error) => error.code));
  if (codes.has('THROTTLED')) {
    return new PlatformError(
      'THROTTLED',
      `Shopify throttled the request: ${messages}`,
      throttledRetryAfterMs(cost, undefined),
    );
  }
  if (codes.has('INTERNAL_SERVER_ERROR')) {
    return new PlatformError('UNAVAILABLE', `Shopify failed to answer: ${messages}`);
  }
  // A missing access scope (write_orders, read_products…): an operator must grant it.
  if (codes.has('ACCESS_DENIED')) {
    return new PlatformError('UNAUTHORIZED', `Shopify denied access: ${messages}`);
  }
  // Invalid documents or variables, MAX_COST_EXCEEDED…: the same request fails again.
  return new PlatformError('REJECTED', `Shopify refused the request: ${messages}`);
}

export interface ShopifyData {
  data: JsonObject;
  /** Errors Shopify sent beside complete data (a field it would not resolve). */
  partialErrors: string[];
}

function hasEveryRootField(data: unknown): data is JsonObject {
  return isJsonObject(data) && Object.values(data).every((value) => value !== null);
}

/** The `data` of a successful answer, or the PlatformError the answer means. */
export function interpretShopifyAnswer(
  shop: string,
  answer: ShopifyAnswer,
  cost: QueryCost | undefined,
  now: number,
): ShopifyData {
  if (answer.httpStatus < 200 || answer.httpStatus >= 300) {
    throw httpFailure(shop, answer, cost, now);
  }
  if (!isJsonObject(answer.body)) {
    throw unexpectedAnswer(`HTTP ${answer.httpStatus} without a JSON object`);
  }
  const { data } = answer.body;
  const errors = readGraphqlErrors(answer.body.errors);
  if (errors.length === 0) {
    if (!isJsonObject(data)) throw unexpectedAnswer('no data and no errors');
    return { data, partialErrors: [] };
  }
  // Every root field resolved: an error deeper down must not hide an order
  // Shopify did create. The readers of each operation check what they need.
  if (hasEveryRootField(data) && Object.keys(data).length > 0) {
    return { data, partialErrors: errors.map((error) => error.message) };
  }
  throw graphqlFailure(errors, cost);
}
