import { PlatformError } from '../../sync/platformPort';
import type { ShopifyOperation } from './documents';
import { interpretShopifyAnswer, readQueryCost } from './interpretShopifyAnswer';
import type { JsonObject } from './jsonObject';
import { shopAdminApiUrl } from './shopAdminApiUrl';
import type { ThrottleBudget } from './throttleBudget';

export type ShopifyLog = (message: string, fields: Record<string, unknown>) => void;

export interface ShopifyGraphqlClientOptions {
  /** Template with `{shop}`, e.g. https://{shop}/admin/api/2025-01/graphql.json. */
  adminApiUrl: string;
  /** Sent when a call names no token of its own (the one-store SHOPIFY_ACCESS_TOKEN); may be empty. */
  accessToken: string;
  timeoutMs: number;
  /** Longest wait for the shop's bucket to refill before giving up with THROTTLED. */
  maxThrottleWaitMs: number;
  budget: ThrottleBudget;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: ShopifyLog;
}

export interface ShopifyGraphqlClient {
  /** The answer's `data`; throws PlatformError for every failure. */
  request<Variables>(
    shop: string,
    operation: ShopifyOperation<Variables>,
    variables: Variables,
  ): Promise<JsonObject>;
  /** The same client (one rate-limit budget per shop) sending this access token: a store's own. */
  withToken(accessToken: string): ShopifyGraphqlClient;
}

// Read by shape, not instanceof: fetch's errors come from Node's own realm,
// which is not the caller's under jest's sandbox.
function errorField(error: unknown, field: 'name' | 'message' | 'cause'): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[field]
    : undefined;
}

function transportError(error: unknown, shop: string, timeoutMs: number): PlatformError {
  const name = errorField(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PlatformError('TIMEOUT', `Shopify (${shop}) did not answer within ${timeoutMs} ms`);
  }
  // fetch says only "fetch failed"; its cause names the socket error (ECONNREFUSED…).
  const cause = errorField(error, 'cause');
  const causeMessage = errorField(cause, 'message');
  const message = errorField(error, 'message');
  const reason =
    typeof causeMessage === 'string'
      ? causeMessage
      : typeof message === 'string'
        ? message
        : String(error);
  return new PlatformError('NETWORK', `Shopify (${shop}) could not be reached: ${reason}`);
}

export function createShopifyGraphqlClient(
  options: ShopifyGraphqlClientOptions,
): ShopifyGraphqlClient {
  const { timeoutMs, maxThrottleWaitMs, budget, now, sleep, log } = options;
  // What Shopify last charged for each operation: a better guess than ours.
  const reportedCost = new Map<string, number>();

  async function waitForBudget(shop: string, name: string, cost: number): Promise<void> {
    const waitMs = budget.waitFor(shop, cost);
    if (waitMs > maxThrottleWaitMs) {
      throw new PlatformError(
        'THROTTLED',
        `Shopify's rate limit for ${shop} needs ${waitMs} ms to free ${cost} points for ${name}`,
        waitMs,
      );
    }
    budget.spend(shop, cost);
    if (waitMs > 0) {
      log('waiting for Shopify rate limit', { shop, operation: name, cost, waitMs });
      await sleep(waitMs);
    }
  }

  async function request<Variables>(
    accessToken: string,
    shop: string,
    operation: ShopifyOperation<Variables>,
    variables: Variables,
  ): Promise<JsonObject> {
    const cost = Math.max(operation.estimateCost(variables), reportedCost.get(operation.name) ?? 0);
    await waitForBudget(shop, operation.name, cost);

    let response: Response;
    let text: string;
    try {
      // One signal covers the body too: headers then a stall still time out.
      response = await fetch(shopAdminApiUrl(options.adminApiUrl, shop), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-Shopify-Access-Token': accessToken,
        },
        body: JSON.stringify({
          query: operation.document,
          operationName: operation.name,
          variables,
        }),
        // A redirect would carry the access token to another host.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw transportError(error, shop, timeoutMs);
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const queryCost = readQueryCost(body);
    if (queryCost !== undefined) {
      budget.observe(shop, queryCost.throttleStatus);
      reportedCost.set(operation.name, queryCost.requestedQueryCost);
    }
    const { data, partialErrors } = interpretShopifyAnswer(
      shop,
      {
        httpStatus: response.status,
        retryAfter: response.headers.get('retry-after'),
        location: response.headers.get('location'),
        body,
      },
      queryCost,
      now(),
    );
    if (partialErrors.length > 0) {
      log('Shopify answered with data and errors', {
        shop,
        operation: operation.name,
        errors: partialErrors,
      });
    }
    return data;
  }

  const withToken = (accessToken: string): ShopifyGraphqlClient => ({
    request: (shop, operation, variables) => request(accessToken, shop, operation, variables),
    withToken,
  });
  return withToken(options.accessToken);
}
