import type { Kysely } from 'kysely';
import type { Config } from '../../../config';
import { resolveCredentialsKey } from '../../../credentials/credentialsKey';
import { createCredentialVault } from '../../../credentials/credentialVault';
import type { Database } from '../../../db/schema';
import { createShopifyAccessTokens, type ShopifyAccessTokens } from './shopifyAccessTokens';
import { createShopifyTokenEndpoint, type ShopifyTokenEndpoint } from './shopifyTokenEndpoint';

export interface ShopifyCredentials {
  tokens: ShopifyAccessTokens;
  /** Null without SHOPIFY_API_KEY / SHOPIFY_API_SECRET. */
  endpoint: ShopifyTokenEndpoint | null;
}

// One per database handle, so one process shares one: the install routes and
// the platform forget and keep the same tokens, and refresh them one at a time.
const built = new WeakMap<Kysely<Database>, ShopifyCredentials>();

/** Stores' own Shopify tokens, sealed under CREDENTIALS_KEY, refreshed at SHOPIFY_OAUTH_URL. */
export function shopifyCredentialsFromConfig(
  config: Config,
  db: Kysely<Database>,
): ShopifyCredentials {
  const existing = built.get(db);
  if (existing !== undefined) return existing;
  const endpoint =
    config.shopifyApp === undefined
      ? null
      : createShopifyTokenEndpoint({
          oauthUrlTemplate: config.shopifyOauthUrl,
          credentials: {
            clientId: config.shopifyApp.apiKey,
            clientSecret: config.shopifyApp.apiSecret,
          },
          timeoutMs: config.sync.platformTimeoutMs,
        });
  const tokens = createShopifyAccessTokens({
    vault: createCredentialVault(db, resolveCredentialsKey(config)),
    endpoint,
    fallbackToken: config.shopifyAccessToken,
  });
  const credentials = { tokens, endpoint };
  built.set(db, credentials);
  return credentials;
}
