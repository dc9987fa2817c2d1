import type { TikTokAuthorization } from '../../../domain/tiktokAuthorization';
import {
  createTikTokShopClient,
  type TikTokShopClient,
  type TikTokShopClientOptions,
} from '../createTikTokShopClient';
import { TikTokApiError } from '../TikTokApiError';
import type { TikTokTokenKeeper } from './tikTokTokenKeeper';

/** Where a store sends the seller to authorize the app (relative to the service's address). */
export const authorizePathFor = (storeId: string): string =>
  `/auth/tiktok-shop?store=${encodeURIComponent(storeId)}`;

export interface TikTokShopClients {
  /**
   * The store's client: every call goes out with the store's own access
   * token and shop_cipher, read (and refreshed when due) at the call; a
   * store that never authorized on its own uses the global
   * TIKTOK_ACCESS_TOKEN when set (the one-store set-up). With neither, a call
   * fails with NOT_AUTHORIZED (retryable).
   */
  forStore(storeId: string): TikTokShopClient;
}

export interface TikTokShopClientsOptions extends Pick<
  TikTokShopClientOptions,
  'baseUrl' | 'appKey' | 'appSecret' | 'timeoutMs' | 'now'
> {
  keeper: TikTokTokenKeeper;
  /** TIKTOK_ACCESS_TOKEN: for stores without an authorization of their own. */
  fallbackAccessToken: string | undefined;
  /** The store's authorization as its stream says (null: never authorized; undefined: no such store). */
  authorizationOf: (storeId: string) => Promise<TikTokAuthorization | null | undefined>;
}

export function createTikTokShopClients(options: TikTokShopClientsOptions): TikTokShopClients {
  const { keeper, fallbackAccessToken, authorizationOf, ...common } = options;
  const fallback =
    fallbackAccessToken === undefined
      ? undefined
      : createTikTokShopClient({ ...common, accessToken: fallbackAccessToken });

  async function clientOf(storeId: string): Promise<TikTokShopClient | undefined> {
    const own = await keeper.accessFor(storeId);
    if (own !== undefined) return createTikTokShopClient({ ...common, ...own });
    // A revoked store is not covered by the global token: its seller took the app away.
    if (fallback !== undefined && (await authorizationOf(storeId)) === null) return fallback;
    return undefined;
  }

  async function resolve(storeId: string): Promise<TikTokShopClient> {
    const client = await clientOf(storeId);
    if (client === undefined) {
      throw new TikTokApiError(
        'NOT_AUTHORIZED',
        `store ${storeId} has not authorized the app on TikTok Shop (or revoked it): open ${authorizePathFor(storeId)} to authorize it`,
      );
    }
    return client;
  }

  return {
    forStore(storeId) {
      return {
        getAuthorizedShops: async () => (await resolve(storeId)).getAuthorizedShops(),
        getOrderDetail: async (input) => (await resolve(storeId)).getOrderDetail(input),
        searchOrders: async (input) => (await resolve(storeId)).searchOrders(input),
        searchReturns: async (input) => (await resolve(storeId)).searchReturns(input),
        searchReturnsUpdated: async (input) => (await resolve(storeId)).searchReturnsUpdated(input),
      };
    },
  };
}
