import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveAuthSecret } from '../../../auth/authSecret';
import {
  cookieValue,
  newNonce,
  nonceCookie,
  signState,
  STATE_LIFETIME_MS,
  stateKey,
  verifyState,
} from '../../../auth/oauthState';
import type { CommandContext } from '../../../commands/commandContext';
import { recordShopifyInstall } from '../../../commands/storeCommands';
import { DomainError } from '../../../domain/domainError';
import { publicUrlOf } from '../../../config';
import { htmlPage, registerBrowserRoutes } from '../../../http/htmlPage';
import type { ServiceParts } from '../../../serviceParts';
import { shopifyCredentialsFromConfig } from './shopifyAccessTokensFromConfig';
import { shopDomainFrom, verifyQueryHmac } from './shopifyHmac';
import { oauthUrl, ShopifyTokenError } from './shopifyTokenEndpoint';
import { registerShopifyWebhookRoute } from './shopifyWebhookRoute';
import { storesOnShop } from './storesOnShop';

export const SHOPIFY_INSTALL_PATH = '/auth/shopify';
export const SHOPIFY_CALLBACK_PATH = '/auth/shopify/callback';
const NONCE_COOKIE = 'fbt_shopify_oauth';

/** Who the install's events say acted. */
export const SHOPIFY_OAUTH_ACTOR = 'shopify-oauth';

function queryOf(request: FastifyRequest): URLSearchParams {
  const at = request.url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : request.url.slice(at + 1));
}

/**
 * The Shopify app's install (OAuth authorization code grant, offline
 * expiring tokens) and its webhooks:
 *
 * - GET /auth/shopify?shop=acme.myshopify.com[&store=ID] sends the merchant
 *   to the shop's authorize page with a signed state, and keeps the state's
 *   nonce in a cookie of this browser.
 * - GET /auth/shopify/callback checks Shopify's HMAC of the query, the
 *   state and its cookie, and the shop; exchanges the code for the shop's
 *   tokens, seals them in the vault, and records ShopifyAppInstalled.
 * - POST /webhooks/shopify: app/uninstalled and the privacy webhooks.
 *
 * A request that fails a check writes nothing: 401 for a bad HMAC, 400 for a
 * bad state or shop.
 */
export function installShopifyApp(parts: ServiceParts): void {
  const { config, app, database, eventStore, log: serviceLog } = parts;
  const log = serviceLog.child({ component: 'shopify-install' });
  const shopifyApp = config.shopifyApp;
  const key = stateKey(resolveAuthSecret(config), 'shopify');
  // Only with the app's credentials: without them no store can install, and no key is made.
  const credentials =
    shopifyApp === undefined ? null : shopifyCredentialsFromConfig(config, database.db);
  // PUBLIC_URL, else where this process listens (a local set-up).
  const publicUrl = () => {
    const address = app.server.address();
    return publicUrlOf(
      config,
      typeof address === 'object' && address !== null ? address.port : config.port,
    );
  };
  const secureCookie = () => publicUrl().startsWith('https://');

  registerShopifyWebhookRoute(parts, credentials?.tokens ?? null);

  const notAShop = (reply: FastifyReply) =>
    htmlPage(reply, 400, 'Not a Shopify shop', 'shop must be a domain such as acme.myshopify.com.');
  const notConfigured = (reply: FastifyReply) =>
    htmlPage(
      reply,
      503,
      'Shopify app not configured',
      'Set SHOPIFY_API_KEY and SHOPIFY_API_SECRET (the app’s client credentials) so that stores can install the app.',
    );

  registerBrowserRoutes(app, log, (scope) => {
    scope.get(SHOPIFY_INSTALL_PATH, async (request, reply) => {
      if (shopifyApp === undefined) return notConfigured(reply);
      const query = queryOf(request);
      const shop = shopDomainFrom(query.get('shop'));
      if (shop === null) {
        return notAShop(reply);
      }
      // Opened from Shopify (the app's URL, the App Store): Shopify signed it.
      if (query.has('hmac') && !verifyQueryHmac(query, shopifyApp.apiSecret)) {
        log.warn({ shop }, 'refused an install request with a wrong HMAC');
        return htmlPage(reply, 401, 'Not signed by Shopify', 'The request’s hmac does not match.');
      }
      const stores = await storesOnShop(database.db, shop);
      const wanted = query.get('store');
      const chosen = wanted === null ? stores : stores.filter((store) => store.id === wanted);
      if (chosen.length === 0) {
        return htmlPage(
          reply,
          404,
          'No such store',
          `No store in fbt-sync is on ${shop}${wanted === null ? '' : ` with id ${wanted}`}: connect the store first (connectStore), with this shop domain.`,
        );
      }
      if (chosen.length > 1) {
        return htmlPage(
          reply,
          400,
          'Several stores on this shop',
          `Say which with &store=: ${chosen.map((store) => store.id).join(', ')}.`,
        );
      }
      const nonce = newNonce();
      const state = signState(key, {
        storeId: chosen[0]!.id,
        target: shop,
        nonce,
        expiresAt: Date.now() + STATE_LIFETIME_MS,
      });
      const authorize = new URL(oauthUrl(config.shopifyOauthUrl, shop, 'authorize'));
      authorize.searchParams.set('client_id', shopifyApp.apiKey);
      authorize.searchParams.set('scope', config.shopifyScopes.join(','));
      authorize.searchParams.set('redirect_uri', `${publicUrl()}${SHOPIFY_CALLBACK_PATH}`);
      authorize.searchParams.set('state', state);
      return reply
        .code(302)
        .header(
          'set-cookie',
          nonceCookie(NONCE_COOKIE, nonce, { path: SHOPIFY_INSTALL_PATH, secure: secureCookie() }),
        )
        .header('cache-control', 'no-store')
        .header('location', authorize.toString())
        .send();
    });

    scope.get(SHOPIFY_CALLBACK_PATH, async (request, reply) => {
      if (shopifyApp === undefined || credentials?.endpoint == null) return notConfigured(reply);
      const { tokens, endpoint } = credentials;
      const query = queryOf(request);
      if (!verifyQueryHmac(query, shopifyApp.apiSecret)) {
        log.warn({ shop: query.get('shop') }, 'refused an install callback with a wrong HMAC');
        return htmlPage(reply, 401, 'Not signed by Shopify', 'The callback’s hmac does not match.');
      }
      const shop = shopDomainFrom(query.get('shop'));
      if (shop === null) {
        return notAShop(reply);
      }
      const checked = verifyState(
        key,
        query.get('state'),
        cookieValue(request.headers.cookie, NONCE_COOKIE),
        Date.now(),
      );
      if (!checked.ok) {
        log.warn({ shop, problem: checked.problem }, 'refused an install callback');
        return htmlPage(reply, 400, 'Install not recognised', `${checked.problem}.`);
      }
      if (checked.state.target !== shop) {
        log.warn(
          { shop, expected: checked.state.target },
          'refused an install callback for another shop',
        );
        return htmlPage(
          reply,
          400,
          'Wrong shop',
          `This install was started for ${checked.state.target}, not ${shop}.`,
        );
      }
      const { storeId } = checked.state;
      const store = (await storesOnShop(database.db, shop)).find((row) => row.id === storeId);
      if (store === undefined) {
        return htmlPage(reply, 400, 'Wrong shop', `Store ${storeId} is not on ${shop}.`);
      }
      const code = query.get('code');
      if (code === null || code === '' || code.length > 500) {
        return htmlPage(reply, 400, 'No authorization code', 'The callback carries no code.');
      }

      let granted;
      try {
        granted = await endpoint.exchangeCode(shop, code);
      } catch (error) {
        if (!(error instanceof ShopifyTokenError)) throw error;
        log.warn(
          { shop, storeId, reason: error.message },
          'Shopify did not exchange the install code',
        );
        return htmlPage(reply, 502, 'Shopify refused the install', error.message);
      }
      const missing = config.shopifyScopes.filter((scope) => !granted.scopes.includes(scope));
      if (missing.length > 0) {
        log.warn(
          { shop, storeId, missing },
          'Shopify granted fewer scopes than the install asked for',
        );
      }
      // Sealed first: a store the log says is installed has its token.
      await tokens.save(storeId, { ...granted, shop });
      const context: CommandContext = {
        eventStore,
        now: () => new Date(),
        metadata: { correlationId: randomUUID(), actor: SHOPIFY_OAUTH_ACTOR },
      };
      try {
        await recordShopifyInstall(context, { storeId, shopDomain: shop, scopes: granted.scopes });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return htmlPage(reply, 400, 'Install not recorded', error.message);
      }
      log.info({ shop, storeId, scopes: granted.scopes }, 'Shopify app installed');
      return htmlPage(
        reply,
        200,
        'Shopify app installed',
        `fbt-sync now syncs store ${store.name} (${storeId}) to ${shop} with the shop’s own token. You can close this window.`,
      );
    });
  });
}
