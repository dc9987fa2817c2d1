import type { CredentialVault } from '../../../credentials/credentialVault';
import { PlatformError, type PlatformStore } from '../../../sync/platformPort';
import {
  type ShopifyTokenEndpoint,
  ShopifyTokenError,
  type ShopifyTokens,
} from './shopifyTokenEndpoint';

/** What the vault keeps for a store's shop (sealed): never logged, never answered. */
export interface ShopifySecret extends ShopifyTokens {
  shop: string;
}

/** Refresh this long before the access token lapses (Shopify's last about an hour). */
export const REFRESH_AHEAD_MS = 5 * 60_000;

/** How long a process keeps a token it read from the vault. */
export const CACHE_MS = 60_000;

export const installPath = (shop: string) => `/auth/shopify?shop=${encodeURIComponent(shop)}`;

export interface ShopifyAccessTokens {
  /** Seals the tokens of an approved install. */
  save(storeId: string, tokens: ShopifySecret): Promise<void>;
  /** Forgets the store's tokens (uninstalled). */
  remove(storeId: string): Promise<void>;
  /**
   * The token to call the store's shop with: its own (refreshed first when it
   * is about to lapse), else the one-store SHOPIFY_ACCESS_TOKEN. NOT_CONNECTED
   * when it has neither, or when the app was uninstalled from the shop.
   */
  tokenFor(store: PlatformStore): Promise<string>;
  /**
   * Shopify refused this token before it was due to lapse: the token to try
   * once more (another process's newer one, or a fresh refresh), or null when
   * there is none and the refusal stands.
   */
  afterRefusal(store: PlatformStore, refused: string): Promise<string | null>;
  /** Why the store's calls would wait (NOT_CONNECTED), or null: no network, no refresh. */
  notReadyFor(store: PlatformStore): Promise<string | null>;
  /** True when the store has tokens of its own. */
  hasOwnToken(storeId: string): Promise<boolean>;
}

function notConnected(store: PlatformStore, reason: string): PlatformError {
  const shop = store.shopDomain ?? '(no shop domain)';
  return new PlatformError(
    'NOT_CONNECTED',
    `${reason}; install the app on ${shop} at ${installPath(shop)}`,
  );
}

export function createShopifyAccessTokens({
  vault,
  endpoint,
  fallbackToken,
  now = () => Date.now(),
}: {
  vault: CredentialVault;
  /** Null without SHOPIFY_API_KEY / SHOPIFY_API_SECRET: stored tokens are used until they lapse. */
  endpoint: ShopifyTokenEndpoint | null;
  /** SHOPIFY_ACCESS_TOKEN, for a store that never installed the app (the one-store set-up). */
  fallbackToken: string | undefined;
  now?: () => number;
}): ShopifyAccessTokens {
  // One refresh per store at a time in this process: the refresh token rotates.
  const refreshing = new Map<string, Promise<string>>();
  // The token last read for each store, so that a call does not read and
  // open its row again: kept at most CACHE_MS and never into the refresh
  // margin. Another process's refresh or reinstall shows when Shopify
  // refuses the kept token (afterRefusal reads the row again) or when the
  // entry lapses.
  const remembered = new Map<string, { token: string; until: number }>();
  const remember = (storeId: string, token: string, expiresAt: number | null) => {
    const until = Math.min(
      now() + CACHE_MS,
      expiresAt === null ? Number.POSITIVE_INFINITY : expiresAt - REFRESH_AHEAD_MS,
    );
    if (until > now()) remembered.set(storeId, { token, until });
  };

  async function refreshed(store: PlatformStore, refused?: string): Promise<string> {
    const stored = await vault.get<ShopifySecret>(store.storeId, 'shopify');
    if (stored === undefined) throw notConnected(store, 'the Shopify app is not installed');
    const secret = stored.secret;
    if (refused !== undefined && secret.accessToken !== refused) return secret.accessToken;
    const expiresAt = secret.accessTokenExpiresAt;
    const forced = refused !== undefined;
    if (!forced && (expiresAt === null || expiresAt - now() > REFRESH_AHEAD_MS)) {
      remember(store.storeId, secret.accessToken, expiresAt);
      return secret.accessToken;
    }
    // A refused token counts as lapsed, whatever its expiry said.
    const lapsed = forced || expiresAt! <= now();
    if (endpoint === null || secret.refreshToken === null) {
      if (!lapsed) return secret.accessToken;
      throw notConnected(store, "the store's Shopify token has expired and cannot be refreshed");
    }
    let tokens: ShopifyTokens;
    try {
      tokens = await endpoint.refresh(secret.shop, secret.refreshToken);
    } catch (error) {
      if (!(error instanceof ShopifyTokenError)) throw error;
      // Another process may have refreshed first, spending the token we hold.
      const latest = await vault.get<ShopifySecret>(store.storeId, 'shopify');
      if (latest !== undefined && latest.version !== stored.version) {
        return latest.secret.accessToken;
      }
      if (!lapsed) return secret.accessToken;
      if (error.refused) {
        throw notConnected(
          store,
          `Shopify refused to refresh the store's token (${error.message})`,
        );
      }
      throw new PlatformError('NETWORK', error.message);
    }
    const next: ShopifySecret = {
      ...tokens,
      shop: secret.shop,
      scopes: tokens.scopes.length > 0 ? tokens.scopes : secret.scopes,
      refreshToken: tokens.refreshToken ?? secret.refreshToken,
    };
    const kept = await vault.put(store.storeId, 'shopify', next, {
      expiresAt: next.accessTokenExpiresAt === null ? null : new Date(next.accessTokenExpiresAt),
      replacingVersion: stored.version,
    });
    if (kept) {
      remember(store.storeId, next.accessToken, next.accessTokenExpiresAt);
      return next.accessToken;
    }
    const theirs = await vault.get<ShopifySecret>(store.storeId, 'shopify');
    if (theirs === undefined) throw notConnected(store, 'the Shopify app was uninstalled');
    return theirs.secret.accessToken;
  }

  return {
    async save(storeId, tokens) {
      remembered.delete(storeId);
      await vault.put(storeId, 'shopify', tokens, {
        expiresAt:
          tokens.accessTokenExpiresAt === null ? null : new Date(tokens.accessTokenExpiresAt),
      });
    },

    async remove(storeId) {
      remembered.delete(storeId);
      await vault.remove(storeId, 'shopify');
    },

    async tokenFor(store) {
      if (store.connection === 'UNINSTALLED') {
        remembered.delete(store.storeId);
        throw notConnected(store, 'the Shopify app was uninstalled from the shop');
      }
      const kept = remembered.get(store.storeId);
      if (kept !== undefined && kept.until > now()) return kept.token;
      if (store.connection !== 'INSTALLED') {
        const own = await vault.get<ShopifySecret>(store.storeId, 'shopify');
        if (own === undefined) {
          if (fallbackToken !== undefined) return fallbackToken;
          throw notConnected(store, 'the Shopify app is not installed');
        }
      }
      const running = refreshing.get(store.storeId);
      if (running !== undefined) return running;
      const next = refreshed(store).finally(() => refreshing.delete(store.storeId));
      refreshing.set(store.storeId, next);
      return next;
    },

    async afterRefusal(store, refused) {
      remembered.delete(store.storeId);
      if (store.connection !== 'INSTALLED') {
        const own = await vault.get<ShopifySecret>(store.storeId, 'shopify');
        if (own === undefined) return null; // the one-store token: nothing else to try
      }
      try {
        const next = await refreshed(store, refused);
        return next === refused ? null : next;
      } catch (error) {
        if (error instanceof PlatformError) return null;
        throw error;
      }
    },

    async notReadyFor(store) {
      if (store.connection === 'UNINSTALLED') {
        return notConnected(store, 'the Shopify app was uninstalled from the shop').message;
      }
      if (fallbackToken !== undefined && store.connection !== 'INSTALLED') return null;
      const own = await vault.get<ShopifySecret>(store.storeId, 'shopify');
      return own === undefined
        ? notConnected(store, 'the Shopify app is not installed').message
        : null;
    },

    async hasOwnToken(storeId) {
      return (await vault.get(storeId, 'shopify')) !== undefined;
    },
  };
}
