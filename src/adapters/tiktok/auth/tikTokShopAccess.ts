import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { loadStore, recordTikTokDeauthorization } from '../../../commands/storeCommands';
import type { Config } from '../../../config';
import { type CredentialVault, createCredentialVault } from '../../../credentials/credentialVault';
import { resolveCredentialsKey } from '../../../credentials/credentialsKey';
import type { Database } from '../../../db/schema';
import type { EventStore } from '../../../eventstore/createEventStore';
import type { ServiceParts } from '../../../serviceParts';
import { createTikTokAuthApi, type TikTokAuthApi } from './tikTokAuthApi';
import { createTikTokAuthMetrics, type TikTokAuthMetrics } from './tikTokAuthMetrics';
import { createTikTokShopClients, type TikTokShopClients } from './tikTokShopClients';
import { createTikTokTokenKeeper, type TikTokTokenKeeper } from './tikTokTokenKeeper';

/** Who records what the token refresh finds. */
export const TIKTOK_TOKEN_REFRESH_ACTOR = 'tiktok-token-refresh';

/** Everything that reaches TikTok Shop on a store's behalf. */
export interface TikTokShopAccess {
  vault: CredentialVault;
  metrics: TikTokAuthMetrics;
  /** Null without TIKTOK_APP_KEY and TIKTOK_APP_SECRET (nothing can be signed or exchanged). */
  authApi: TikTokAuthApi | null;
  keeper: TikTokTokenKeeper | null;
  clients: TikTokShopClients | null;
}

export interface TikTokShopAccessOptions {
  config: Config;
  db: Kysely<Database>;
  eventStore: EventStore;
  log: Logger;
  registry?: Registry;
  apiTimeoutMs?: number;
  now?: () => number;
}

export function createTikTokShopAccess({
  config,
  db,
  eventStore,
  log,
  registry = new Registry(),
  apiTimeoutMs,
  now = () => Date.now(),
}: TikTokShopAccessOptions): TikTokShopAccess {
  const vault = createCredentialVault(db, resolveCredentialsKey(config));
  const metrics = createTikTokAuthMetrics(registry);
  const { tiktokAppKey: appKey, tiktokAppSecret: appSecret } = config;
  if (appKey === undefined || appSecret === undefined) {
    return { vault, metrics, authApi: null, keeper: null, clients: null };
  }
  const authApi = createTikTokAuthApi({
    baseUrl: config.tiktokAuthApiBaseUrl,
    appKey,
    appSecret,
    timeoutMs: apiTimeoutMs,
    now,
  });
  const keeper = createTikTokTokenKeeper({
    vault,
    authApi,
    now,
    onOutcome: (outcome) => metrics.refresh(outcome),
    async onRefused(storeId, reason) {
      // The store is left to the NOT_AUTHORIZED path; the log names it, never a token.
      log.warn(
        { storeId, reason },
        'TikTok Shop refused to refresh a store\u2019s tokens: it must authorize the app again',
      );
      const store = await loadStore({ eventStore }, storeId);
      if (store === null) return;
      await recordTikTokDeauthorization(
        {
          eventStore,
          now: () => new Date(now()),
          metadata: {
            correlationId: `token-refresh:${storeId}`,
            actor: TIKTOK_TOKEN_REFRESH_ACTOR,
          },
        },
        { storeId, tiktokShopId: store.tiktokShopId, reason },
      );
    },
  });
  const clients = createTikTokShopClients({
    baseUrl: config.tiktokApiBaseUrl,
    appKey,
    appSecret,
    timeoutMs: apiTimeoutMs,
    now,
    keeper,
    fallbackAccessToken: config.tiktokAccessToken,
    async authorizationOf(storeId) {
      const store = await loadStore({ eventStore }, storeId);
      return store === null ? undefined : store.tiktokAuthorization;
    },
  });
  return { vault, metrics, authApi, keeper, clients };
}

const ofService = new WeakMap<ServiceParts, TikTokShopAccess>();

/** The service's one TikTokShopAccess (its metrics are registered once), made by the first part that asks. */
export function tikTokShopAccessOf(
  parts: ServiceParts,
  options: { apiTimeoutMs?: number } = {},
): TikTokShopAccess {
  let access = ofService.get(parts);
  if (access === undefined) {
    access = createTikTokShopAccess({
      config: parts.config,
      db: parts.database.db,
      eventStore: parts.eventStore,
      log: parts.log.child({ component: 'tiktok-authorization' }),
      registry: parts.registry,
      apiTimeoutMs: options.apiTimeoutMs,
    });
    ofService.set(parts, access);
  }
  return access;
}
