import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createSandboxPlatform } from './adapters/sandbox/createSandboxPlatform';
import { shopifyCredentialsFromConfig } from './adapters/shopify/auth/shopifyAccessTokensFromConfig';
import { createShopifyPlatform } from './adapters/shopify/createShopifyPlatform';
import { type Config, ConfigError } from './config';
import type { Database } from './db/schema';
import type { PlatformPort } from './sync/platformPort';

/**
 * Part of the composition root: the one place that picks the platform adapter.
 * PLATFORM=sandbox (the default): the simulated platform in our database; shopify: the Admin API. */
export function platformFromConfig(
  config: Config,
  db: Kysely<Database>,
  log: Logger,
): PlatformPort {
  switch (config.platform) {
    case 'sandbox':
      return createSandboxPlatform(db, { timeoutMs: config.sync.platformTimeoutMs });
    case 'shopify': {
      if (config.shopifyAccessToken === undefined && config.shopifyApp === undefined) {
        throw new ConfigError('SHOPIFY_ACCESS_TOKEN', 'is required when PLATFORM=shopify');
      }
      const shopifyLog = log.child({ component: 'shopify' });
      return createShopifyPlatform({
        adminApiUrl: config.shopifyAdminApiUrl,
        accessToken: config.shopifyAccessToken,
        // With the app's credentials, each store's own token once it installed
        // the app; SHOPIFY_ACCESS_TOKEN (if set) for a store that did not.
        ...(config.shopifyApp === undefined
          ? {}
          : { tokens: shopifyCredentialsFromConfig(config, db).tokens }),
        timeoutMs: config.sync.platformTimeoutMs,
        log: (message, fields) => shopifyLog.info(fields, message),
      });
    }
    default: {
      const _exhaustive: never = config.platform;
      return _exhaustive;
    }
  }
}
