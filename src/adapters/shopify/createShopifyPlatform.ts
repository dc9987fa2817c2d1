import { setTimeout as delay } from 'node:timers/promises';
import { PlatformError, type PlatformPort, type PlatformStore } from '../../sync/platformPort';
import type { ShopifyAccessTokens } from './auth/shopifyAccessTokens';
import { cancelShopifyOrder } from './cancelShopifyOrder';
import { describeUserErrors } from './describeUserErrors';
import { CREATE_ORDER, FIND_ORDER } from './documents';
import { isJsonObject, unexpectedAnswer } from './jsonObject';
import { markShopifyOrderPaid } from './markShopifyOrderPaid';
import { orderCreateVariables } from './orderCreateVariables';
import { readShopifyOrder } from './readShopifyOrder';
import { refundShopifyLines } from './refundShopifyLines';
import { resolveVariantsBySku } from './resolveVariantsBySku';
import { SHOP_PLACEHOLDER, shopDomainOf } from './shopAdminApiUrl';
import { holdShopifyFulfillment, releaseShopifyHold } from './shopifyFulfillmentHolds';
import {
  createShopifyGraphqlClient,
  type ShopifyGraphqlClient,
  type ShopifyLog,
} from './shopifyGraphqlClient';
import { sourceIdentifierQuery } from './shopifySearchQuery';
import { createThrottleBudget } from './throttleBudget';

/** Orders we create say where they came from (Order.sourceName). */
export const TIKTOK_SHOP_SOURCE_NAME = 'tiktok_shop';

export interface ShopifyPlatformOptions {
  /** Template with `{shop}`, replaced by the store's shopDomain: https://{shop}/admin/api/2025-01/graphql.json. */
  adminApiUrl: string;
  /** Sent as X-Shopify-Access-Token when `tokens` is not given. */
  accessToken?: string;
  /** Each store's own token (the app installed on its shop), with the one-store token as fallback. */
  tokens?: ShopifyAccessTokens;
  /** Per request, reading the body included. Default 10000. */
  timeoutMs?: number;
  /** Longest wait for a shop's rate-limit bucket before failing with THROTTLED instead. Default 5000. */
  maxThrottleWaitMs?: number;
  log?: ShopifyLog;
  /** Order.sourceName of the orders created; null sends none. Default TIKTOK_SHOP_SOURCE_NAME. */
  sourceName?: string | null;
  /** Milliseconds since the epoch; a test's clock. */
  now?: () => number;
  /** How the client waits for the rate limit and for a cancellation job; a test's clock. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * orderCancel runs as a job: the pauses before each look-up that confirms
   * it. Once they are spent, the call fails as retryable. Default 250, 500,
   * 1000, 2000 ms.
   */
  cancelConfirmWaitsMs?: readonly number[];
}

/** The platform port on Shopify's Admin GraphQL API (2025-01). */
export function createShopifyPlatform({
  adminApiUrl,
  accessToken = '',
  tokens,
  timeoutMs = 10000,
  maxThrottleWaitMs = 5000,
  log = () => {},
  sourceName = TIKTOK_SHOP_SOURCE_NAME,
  now = () => Date.now(),
  sleep = (ms) => delay(ms),
  cancelConfirmWaitsMs = [250, 500, 1000, 2000],
}: ShopifyPlatformOptions): PlatformPort {
  if (!adminApiUrl.includes(SHOP_PLACEHOLDER)) {
    throw new Error(`adminApiUrl must contain ${SHOP_PLACEHOLDER}: ${adminApiUrl}`);
  }
  const client = createShopifyGraphqlClient({
    adminApiUrl,
    accessToken,
    timeoutMs,
    maxThrottleWaitMs,
    budget: createThrottleBudget(now),
    now,
    sleep,
    log,
  });

  /**
   * The client sending the store's own token, when stores have their own. A
   * token Shopify refuses before it was due to lapse (revoked, or replaced
   * by another process's refresh) is refreshed and the call made once more.
   */
  const clientFor = async (store: PlatformStore): Promise<ShopifyGraphqlClient> => {
    if (tokens === undefined) return client;
    let token = await tokens.tokenFor(store);
    return {
      withToken: (other) => client.withToken(other),
      async request(shop, operation, variables) {
        try {
          return await client.withToken(token).request(shop, operation, variables);
        } catch (error) {
          if (!(error instanceof PlatformError) || error.kind !== 'UNAUTHORIZED') throw error;
          const next = await tokens.afterRefusal(store, token);
          if (next === null) throw error;
          token = next;
          log('Shopify refused the store token; retrying with a refreshed one', {
            shop,
            operation: operation.name,
          });
          return client.withToken(next).request(shop, operation, variables);
        }
      },
    };
  };

  return {
    ...(tokens === undefined ? {} : { notReadyFor: (store) => tokens.notReadyFor(store) }),

    async findOrder(store, tiktokOrderId) {
      const shop = shopDomainOf(store);
      const data = await (
        await clientFor(store)
      ).request(shop, FIND_ORDER, {
        query: sourceIdentifierQuery(tiktokOrderId),
      });
      const nodes = isJsonObject(data.orders) ? data.orders.nodes : undefined;
      if (!Array.isArray(nodes)) throw unexpectedAnswer('orders without nodes');
      return nodes.length === 0 ? null : readShopifyOrder(nodes[0]);
    },

    async createOrder(order) {
      const shop = shopDomainOf(order.store);
      if (order.lineItems.length === 0) {
        throw new PlatformError('REJECTED', 'The order has no line items to create on Shopify');
      }
      if (order.onHold === true && order.status === 'FULFILLED') {
        throw new PlatformError(
          'REJECTED',
          'A FULFILLED order cannot be created with its fulfilment held',
        );
      }
      const unnamed = order.lineItems.find((line) => line.sku.trim() === '');
      if (unnamed !== undefined) {
        throw new PlatformError(
          'REJECTED',
          `A line item (${unnamed.title ?? 'untitled'}) has no SKU, so no Shopify variant matches it`,
        );
      }

      // orderCreate takes a SKU without a variant, but such a line is custom:
      // Shopify would claim no inventory for it. So every SKU must be a variant.
      const skus = order.lineItems.map((line) => line.sku);
      const client = await clientFor(order.store);
      const variantIdBySku = await resolveVariantsBySku(client, shop, skus, log);
      const unknown = [...new Set(skus)].filter((sku) => !variantIdBySku.has(sku));
      if (unknown.length > 0) {
        throw new PlatformError(
          'REJECTED',
          `Shopify has no product variant with SKU ${unknown.map((sku) => JSON.stringify(sku)).join(', ')}`,
        );
      }

      const data = await client.request(
        shop,
        CREATE_ORDER,
        orderCreateVariables(order, variantIdBySku, sourceName),
      );
      const payload = data.orderCreate;
      if (!isJsonObject(payload)) throw unexpectedAnswer('orderCreate without a payload');
      // An order Shopify did create wins over anything it also complained about.
      if (payload.order !== null && payload.order !== undefined) {
        const created = readShopifyOrder(payload.order);
        // Should this fail, the order is there all the same: the reactor's
        // retry finds it, and its holdFulfillment places the hold.
        if (order.onHold === true) {
          await holdShopifyFulfillment(client, {
            store: order.store,
            platformOrderId: created.platformOrderId,
          });
        }
        return created;
      }
      const userErrors = Array.isArray(payload.userErrors) ? payload.userErrors : [];
      if (userErrors.length === 0)
        throw unexpectedAnswer('orderCreate without order or userErrors');
      throw new PlatformError(
        'REJECTED',
        `Shopify refused the order: ${describeUserErrors(userErrors)}`,
      );
    },

    cancelOrder: async (cancel) =>
      cancelShopifyOrder(
        { client: await clientFor(cancel.store), sleep, confirmWaitsMs: cancelConfirmWaitsMs },
        cancel,
      ),
    refundLines: async (refund) => refundShopifyLines(await clientFor(refund.store), refund),
    holdFulfillment: async (ref) => holdShopifyFulfillment(await clientFor(ref.store), ref),
    releaseHold: async (ref) => releaseShopifyHold(await clientFor(ref.store), ref),
    markPaid: async (ref) => markShopifyOrderPaid(await clientFor(ref.store), ref),
  };
}
