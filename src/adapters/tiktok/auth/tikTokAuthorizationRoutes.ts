import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  cookieValue,
  newNonce,
  nonceCookie,
  signState,
  STATE_LIFETIME_MS,
  verifyState,
} from '../../../auth/oauthState';
import { htmlPage, registerBrowserRoutes } from '../../../http/htmlPage';
import { loadStore, recordTikTokAuthorization } from '../../../commands/storeCommands';
import type { CredentialVault } from '../../../credentials/credentialVault';
import { DomainError } from '../../../domain/domainError';
import type { EventStore } from '../../../eventstore/createEventStore';
import { createTikTokShopClient, type TikTokShopClientOptions } from '../createTikTokShopClient';
import { TikTokApiError } from '../TikTokApiError';
import type { TikTokAuthApi } from './tikTokAuthApi';
import type { TikTokAuthMetrics } from './tikTokAuthMetrics';
import { credentialOf } from './tikTokShopCredential';

export const AUTHORIZE_PATH = '/auth/tiktok-shop';
/** What a TikTok Shop state is for (a Shopify install's names its shop). */
const TIKTOK_STATE_TARGET = 'tiktok-shop';
export const CALLBACK_PATH = '/auth/tiktok-shop/callback';
const NONCE_COOKIE = 'fbt_tiktok_auth_nonce';

/** Who records the authorizations the callback receives. */
export const TIKTOK_AUTHORIZATION_ACTOR = 'tiktok-shop-authorization';

export interface TikTokAuthorizationRouteOptions {
  /** Null when TIKTOK_SERVICE_ID or the app keys are not set: both routes answer 503. */
  configured: {
    serviceId: string;
    authorizeUrl: string;
    authApi: TikTokAuthApi;
    /** For Get Authorized Shops with the new token. */
    openApi: Omit<TikTokShopClientOptions, 'accessToken' | 'shopCipher'>;
  } | null;
  stateKey: Buffer;
  /** The Secure attribute on the nonce cookie when the service is reached over https. */
  secureCookie: boolean;
  eventStore: EventStore;
  vault: CredentialVault;
  metrics: TikTokAuthMetrics;
  log: Logger;
  now?: () => number;
}

/** TikTok's texts as the decider takes them: printable, at most 200 characters. */
const printable = (text: string) =>
  text
    .replace(/[\p{Cc}\p{Cs}]/gu, ' ')
    .trim()
    .slice(0, 200);

const oneQueryValue = (request: FastifyRequest, name: string): string | undefined => {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * GET /auth/tiktok-shop?store=ID sends the seller to TikTok Shop's
 * authorization page with a signed state; GET /auth/tiktok-shop/callback
 * takes TikTok's code back, exchanges it for the store's tokens, finds the
 * store's shop among the authorized ones (for its cipher), seals tokens and
 * cipher in the vault and records TikTokShopAuthorized. Anything wrong (the
 * state, the cookie, the shop) answers 400 and writes nothing. No token is
 * ever logged or shown.
 */
export function registerTikTokAuthorizationRoutes(
  app: FastifyInstance,
  options: TikTokAuthorizationRouteOptions,
): void {
  const { configured, stateKey, eventStore, vault, metrics, log, now = () => Date.now() } = options;
  const notConfigured = (reply: FastifyReply) =>
    htmlPage(
      reply,
      503,
      'TikTok Shop authorization is not configured',
      'Set TIKTOK_SERVICE_ID, TIKTOK_APP_KEY and TIKTOK_APP_SECRET, then restart the service.',
    );
  const refuse = (reply: FastifyReply, reason: string, status = 400) => {
    metrics.authorization('refused');
    log.warn({ reason }, 'refused a TikTok Shop authorization callback');
    return htmlPage(reply, status, 'TikTok Shop was not connected', reason);
  };

  registerBrowserRoutes(app, log, (scope) => {
    scope.get(AUTHORIZE_PATH, async (request, reply) => {
      if (configured === null) return notConfigured(reply);
      const storeId = oneQueryValue(request, 'store');
      if (storeId === undefined) {
        return htmlPage(
          reply,
          400,
          'Which store?',
          'Open this page as /auth/tiktok-shop?store=STORE_ID.',
        );
      }
      const store = await loadStore({ eventStore }, storeId);
      if (store === null)
        return htmlPage(reply, 404, 'No such store', `There is no store ${storeId}.`);
      const nonce = newNonce();
      const state = signState(stateKey, {
        storeId,
        target: TIKTOK_STATE_TARGET,
        nonce,
        expiresAt: now() + STATE_LIFETIME_MS,
      });
      const target = new URL(configured.authorizeUrl);
      target.searchParams.set('service_id', configured.serviceId);
      target.searchParams.set('state', state);
      const cookie = nonceCookie(NONCE_COOKIE, nonce, {
        path: AUTHORIZE_PATH,
        secure: options.secureCookie,
      });
      return reply
        .code(302)
        .header('set-cookie', cookie)
        .header('location', target.toString())
        .send();
    });

    scope.get(CALLBACK_PATH, async (request, reply) => {
      if (configured === null) return notConfigured(reply);
      const code = oneQueryValue(request, 'code');
      const stateText = oneQueryValue(request, 'state');
      if (code === undefined || stateText === undefined) {
        return refuse(
          reply,
          'TikTok Shop sent no authorization code and state: the seller may have declined.',
        );
      }
      const read = verifyState(
        stateKey,
        stateText,
        cookieValue(request.headers.cookie, NONCE_COOKIE),
        now(),
      );
      if (!read.ok || read.state.target !== TIKTOK_STATE_TARGET) {
        return refuse(
          reply,
          `${read.ok ? 'the state is not one fbt-sync made' : read.problem}: start again.`,
        );
      }
      const { storeId } = read.state;
      const store = await loadStore({ eventStore }, storeId);
      if (store === null) return refuse(reply, `There is no store ${storeId}.`, 404);

      let grant;
      let shops;
      try {
        grant = await configured.authApi.exchangeAuthCode(code);
        shops = await createTikTokShopClient({
          ...configured.openApi,
          accessToken: grant.accessToken,
        }).getAuthorizedShops();
      } catch (error) {
        if (!(error instanceof TikTokApiError)) throw error;
        // TikTok's message, never the URL: the token request's query holds the app secret.
        log.warn(
          { storeId, code: error.code, tikTokCode: error.tikTokCode },
          'TikTok Shop authorization failed',
        );
        return error.retryable
          ? refuse(reply, 'TikTok Shop could not be reached: try again in a moment.', 502)
          : refuse(reply, `TikTok Shop refused the authorization: ${error.message}`);
      }
      const shop = shops.find((candidate) => candidate.id === store.tiktokShopId);
      if (shop === undefined) {
        return refuse(reply, `This TikTok account did not authorize shop ${store.tiktokShopId}.`);
      }

      // The tokens first: an event that says "authorized" is then always backed by them.
      await vault.put(
        storeId,
        'tiktok',
        credentialOf(grant, { tiktokShopId: shop.id, shopCipher: shop.cipher }),
        { expiresAt: grant.accessTokenExpiresAt },
      );
      try {
        await recordTikTokAuthorization(
          {
            eventStore,
            now: () => new Date(now()),
            metadata: {
              correlationId: `authorize:${storeId}:${read.state.nonce}`,
              actor: TIKTOK_AUTHORIZATION_ACTOR,
            },
          },
          {
            storeId,
            tiktokShopId: shop.id,
            shopName: printable(shop.name),
            region: printable(shop.region),
            grantedScopes: grant.grantedScopes.map(printable).filter((scope) => scope !== ''),
          },
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await vault.remove(storeId, 'tiktok');
        return refuse(reply, `TikTok Shop's answer could not be recorded: ${error.message}`);
      }
      metrics.authorization('authorized');
      log.info(
        { storeId, tiktokShopId: shop.id, scopes: grant.grantedScopes.length },
        'a store authorized the app on TikTok Shop',
      );
      reply.header(
        'set-cookie',
        `${NONCE_COOKIE}=; HttpOnly; SameSite=Lax; Path=${AUTHORIZE_PATH}; Max-Age=0`,
      );
      return htmlPage(
        reply,
        200,
        'TikTok Shop is connected',
        `${store.name} (TikTok shop ${shop.id}) authorized fbt-sync. You can close this page, or go to /admin.`,
      );
    });
  });
}
