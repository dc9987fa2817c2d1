import type { Config } from '../../config';
import { createTikTokShopClient, type TikTokShopClient } from './createTikTokShopClient';

/**
 * The TikTok Shop Open API client the configuration allows: null unless the
 * app key, its secret and the shop access token are all set.
 */
export function tikTokShopClientFromConfig(
  config: Config,
  timeoutMs?: number,
): TikTokShopClient | null {
  if (
    config.tiktokAppKey === undefined ||
    config.tiktokAppSecret === undefined ||
    config.tiktokAccessToken === undefined
  ) {
    return null;
  }
  return createTikTokShopClient({
    baseUrl: config.tiktokApiBaseUrl,
    appKey: config.tiktokAppKey,
    appSecret: config.tiktokAppSecret,
    accessToken: config.tiktokAccessToken,
    timeoutMs,
  });
}
