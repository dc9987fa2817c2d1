import { resolveAuthSecret } from '../../../auth/authSecret';
import { publicUrlOf } from '../../../config';
import type { ServiceParts } from '../../../serviceParts';
import { stateKey } from '../../../auth/oauthState';
import { registerTikTokAuthorizationRoutes } from './tikTokAuthorizationRoutes';
import { tikTokShopAccessOf } from './tikTokShopAccess';
import { createTikTokTokenRefresher, type TikTokTokenRefresher } from './tikTokTokenRefresher';

/** Tuning, for tests mostly. */
export interface TikTokAuthorizationOptions {
  refreshIntervalMs?: number;
  leaderRetryMs?: number;
  /** False: no refresh loop (tests that drive refreshes themselves). */
  startRefresher?: boolean;
}

/**
 * Stores' own TikTok Shop authorization: the routes a seller authorizes the
 * app through (GET /auth/tiktok-shop?store=ID and its callback) and the loop
 * that refreshes tokens before they expire. The seller deauthorization
 * webhook is on the webhook route (installTikTokWebhooks).
 */
export function installTikTokAuthorization(
  parts: ServiceParts,
  options: TikTokAuthorizationOptions = {},
): { refresher: TikTokTokenRefresher | null } {
  const { config, app, database, eventStore } = parts;
  const log = parts.log.child({ component: 'tiktok-authorization' });
  const access = tikTokShopAccessOf(parts);
  const { authApi, keeper } = access;
  const ready =
    authApi !== null && config.tiktokServiceId !== undefined
      ? {
          serviceId: config.tiktokServiceId,
          authorizeUrl: config.tiktokAuthorizeUrl,
          authApi,
          openApi: {
            baseUrl: config.tiktokApiBaseUrl,
            appKey: config.tiktokAppKey!,
            appSecret: config.tiktokAppSecret!,
          },
        }
      : null;
  if (ready === null) {
    log.warn(
      'TIKTOK_SERVICE_ID, TIKTOK_APP_KEY and TIKTOK_APP_SECRET are not all set: stores cannot authorize the app on TikTok Shop (/auth/tiktok-shop answers 503)',
    );
  }
  registerTikTokAuthorizationRoutes(app, {
    configured: ready,
    stateKey: stateKey(resolveAuthSecret(config), 'tiktok-shop'),
    secureCookie: publicUrlOf(config).startsWith('https:'),
    eventStore,
    vault: access.vault,
    metrics: access.metrics,
    log,
  });
  if (keeper === null || options.startRefresher === false) return { refresher: null };
  const refresher = createTikTokTokenRefresher({
    url: database.url,
    vault: access.vault,
    keeper,
    log,
    intervalMs: options.refreshIntervalMs,
    leaderRetryMs: options.leaderRetryMs,
    refusals: database.refusals,
  });
  refresher.start();
  parts.onStop(() => refresher.stop());
  return { refresher };
}
