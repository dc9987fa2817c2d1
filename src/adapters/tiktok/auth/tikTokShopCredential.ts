import type { TikTokTokenGrant } from './tikTokAuthApi';

/**
 * What the vault keeps for a store under provider 'tiktok': its tokens, when
 * they expire, and the shop's cipher (Get Authorized Shops). Sealed at rest;
 * nothing of it goes into an event, a log line or an API answer.
 */
export interface TikTokShopCredential {
  tiktokShopId: string;
  accessToken: string;
  /** ISO-8601. */
  accessTokenExpiresAt: string;
  refreshToken: string;
  /** ISO-8601. */
  refreshTokenExpiresAt: string;
  shopCipher: string;
  /**
   * ISO-8601: a process is refreshing these tokens until then (it claimed
   * the refresh); others keep using them meanwhile. Absent otherwise.
   */
  refreshClaimedUntil?: string;
}

export function credentialOf(
  grant: TikTokTokenGrant,
  shop: { tiktokShopId: string; shopCipher: string },
): TikTokShopCredential {
  return {
    tiktokShopId: shop.tiktokShopId,
    accessToken: grant.accessToken,
    accessTokenExpiresAt: grant.accessTokenExpiresAt.toISOString(),
    refreshToken: grant.refreshToken,
    refreshTokenExpiresAt: grant.refreshTokenExpiresAt.toISOString(),
    shopCipher: shop.shopCipher,
  };
}
