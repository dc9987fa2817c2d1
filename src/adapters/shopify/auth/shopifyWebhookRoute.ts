import { randomUUID } from 'node:crypto';
import { recordShopifyUninstall } from '../../../commands/storeCommands';
import type { ServiceParts } from '../../../serviceParts';
import type { ShopifyAccessTokens } from './shopifyAccessTokens';
import { shopDomainFrom, verifyWebhookHmac } from './shopifyHmac';
import { storesOnShop } from './storesOnShop';

export const SHOPIFY_WEBHOOK_PATH = '/webhooks/shopify';
export const SHOPIFY_WEBHOOK_ACTOR = 'shopify-webhook';

/**
 * The topics to subscribe in the app's configuration, all to
 * PUBLIC_URL/webhooks/shopify. app/uninstalled: the token is gone, the
 * store's syncs wait. The three privacy topics are mandatory for every app:
 * fbt-sync keeps no customer's personal data (orders carry ids, SKUs,
 * quantities and amounts), so a data request has nothing to report and a
 * customer redaction nothing to erase; shop/redact erases the shop's tokens.
 */
export const SHOPIFY_WEBHOOK_TOPICS = [
  'app/uninstalled',
  'customers/data_request',
  'customers/redact',
  'shop/redact',
] as const;

/**
 * POST /webhooks/shopify, verified by X-Shopify-Hmac-Sha256 (base64
 * HMAC-SHA256 of the raw body with SHOPIFY_API_SECRET): 401 and nothing
 * written when it does not match. Shopify repeats deliveries; each effect
 * here is idempotent (an uninstall of an uninstalled store appends nothing).
 */
export function registerShopifyWebhookRoute(
  { app, config, database, eventStore, log: serviceLog }: ServiceParts,
  /** Null without the app's credentials: every delivery is refused with 503. */
  tokens: ShopifyAccessTokens | null,
): void {
  const log = serviceLog.child({ component: 'shopify-webhooks' });
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, parsed) => {
      parsed(null, body);
    });

    scope.post(SHOPIFY_WEBHOOK_PATH, async (request, reply) => {
      const shopifyApp = config.shopifyApp;
      if (shopifyApp === undefined || tokens === null) {
        return reply.code(503).send({
          error: 'NOT_CONFIGURED',
          message:
            'Shopify webhooks are not configured: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET',
        });
      }
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (
        !verifyWebhookHmac(rawBody, request.headers['x-shopify-hmac-sha256'], shopifyApp.apiSecret)
      ) {
        log.warn({ ip: request.ip }, 'refused a Shopify webhook with a missing or wrong HMAC');
        return reply.code(401).send({
          error: 'UNAUTHORIZED',
          message: 'X-Shopify-Hmac-Sha256 is not the HMAC of this body',
        });
      }
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : null;
      };
      const topic = header('x-shopify-topic');
      const shop = shopDomainFrom(header('x-shopify-shop-domain'));
      const webhookId = header('x-shopify-webhook-id');
      if (topic === null || shop === null) {
        return reply.code(400).send({
          error: 'INVALID_WEBHOOK',
          message:
            'X-Shopify-Topic and X-Shopify-Shop-Domain (a myshopify.com domain) are required',
        });
      }
      const stores = await storesOnShop(database.db, shop);
      switch (topic) {
        case 'app/uninstalled':
          for (const store of stores) {
            await tokens.remove(store.id);
            await recordShopifyUninstall(
              {
                eventStore,
                now: () => new Date(),
                metadata: {
                  correlationId: webhookId ?? randomUUID(),
                  actor: SHOPIFY_WEBHOOK_ACTOR,
                },
              },
              { storeId: store.id, shopDomain: shop, webhookId },
            );
          }
          log.info(
            { shop, stores: stores.map((store) => store.id), webhookId },
            'Shopify app uninstalled',
          );
          return reply.code(200).send({ ok: true, topic, stores: stores.length });
        case 'shop/redact':
          for (const store of stores) await tokens.remove(store.id);
          log.info(
            { shop, webhookId },
            "Shopify asked to erase the shop's data: its tokens are erased",
          );
          return reply.code(200).send({ ok: true, topic, stores: stores.length });
        case 'customers/data_request':
        case 'customers/redact':
          log.info(
            { shop, topic, webhookId },
            'Shopify privacy request: fbt-sync keeps no customer data',
          );
          return reply.code(200).send({ ok: true, topic, stores: stores.length });
        default:
          log.info(
            { shop, topic, webhookId },
            'ignored a Shopify webhook of a topic fbt-sync does not use',
          );
          return reply.code(200).send({ ok: true, topic, ignored: true });
      }
    });
    done();
  });
}
