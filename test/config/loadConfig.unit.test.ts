import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEFAULT_SHOPIFY_SCOPES, loadConfig, publicUrlOf } from '../../src/config';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      databasePoolSize: 16,
      port: 4000,
      host: '127.0.0.1',
      platform: 'sandbox',
      shopifyAdminApiUrl: 'https://{shop}/admin/api/2025-01/graphql.json',
      logLevel: 'info',
      sync: {
        platformTimeoutMs: 10_000,
        maxAttempts: 8,
        retryBaseMs: 2_000,
        retryMaxMs: 300_000,
        concurrency: 12,
      },
      graphqlCacheMb: 32,
      reconcileIntervalS: 900,
      tiktokAccessToken: undefined,
      tiktokServiceId: undefined,
      tiktokAuthorizeUrl: 'https://services.tiktokshop.com/open/authorize',
      tiktokAuthApiBaseUrl: 'https://auth.tiktok-shops.com',
      publicUrl: undefined,
    });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('turns the GraphQL response cache off with GRAPHQL_CACHE_MB=0', () => {
    expect(loadConfig({ GRAPHQL_CACHE_MB: '0' }).graphqlCacheMb).toBe(0);
    expect(loadConfig({ GRAPHQL_CACHE_MB: '256' }).graphqlCacheMb).toBe(256);
  });

  it('turns the reconcile schedule off with RECONCILE_INTERVAL_S=0', () => {
    expect(loadConfig({ RECONCILE_INTERVAL_S: '0' }).reconcileIntervalS).toBe(0);
    expect(loadConfig({ RECONCILE_INTERVAL_S: '60' }).reconcileIntervalS).toBe(60);
  });

  it('PLATFORM=shopify takes the app credentials instead of a one-store token; stores then install the app', () => {
    const config = loadConfig({
      PLATFORM: 'shopify',
      SHOPIFY_API_KEY: 'client-id',
      SHOPIFY_API_SECRET: 'client-secret',
      SHOPIFY_SCOPES: 'read_orders, write_orders',
      PUBLIC_URL: 'https://fbt.example.com/',
    });
    expect(config.shopifyApp).toEqual({ apiKey: 'client-id', apiSecret: 'client-secret' });
    expect(config.shopifyAccessToken).toBeUndefined();
    expect(config.shopifyScopes).toEqual(['read_orders', 'write_orders']);
    expect(config.shopifyOauthUrl).toBe('https://{shop}/admin/oauth');
    expect(config.publicUrl).toBe('https://fbt.example.com');
    expect(loadConfig({}).shopifyScopes).toEqual(DEFAULT_SHOPIFY_SCOPES);
    expect(loadConfig({}).shopifyApp).toBeUndefined();
  });

  it('reads the TikTok Shop authorization settings, and PUBLIC_URL falls back to HOST:PORT', () => {
    const config = loadConfig({
      TIKTOK_SERVICE_ID: ' 7001 ',
      TIKTOK_AUTHORIZE_URL: 'https://services.us.tiktokshop.com/open/authorize',
      TIKTOK_AUTH_API_BASE_URL: 'http://127.0.0.1:9999',
      PUBLIC_URL: 'https://sync.example.com/',
    });
    expect(config).toMatchObject({
      tiktokServiceId: '7001',
      tiktokAuthorizeUrl: 'https://services.us.tiktokshop.com/open/authorize',
      tiktokAuthApiBaseUrl: 'http://127.0.0.1:9999',
      publicUrl: 'https://sync.example.com',
    });
    expect(publicUrlOf(config)).toBe('https://sync.example.com');
    expect(publicUrlOf(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }))).toBe('http://0.0.0.0:8080');
  });

  it('names the variable of a bad value', () => {
    const bad: Array<[NodeJS.ProcessEnv, string]> = [
      [{ PORT: '70000' }, 'PORT'],
      [{ PLATFORM: 'shopify' }, 'SHOPIFY_ACCESS_TOKEN'],
      [{ TIKTOK_APP_KEY: 'k' }, 'TIKTOK_APP_SECRET'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ SHOPIFY_ADMIN_API_URL: 'ftp://x/{shop}' }, 'SHOPIFY_ADMIN_API_URL'],
      [{ SYNC_CONCURRENCY: 'many' }, 'SYNC_CONCURRENCY'],
      [{ GRAPHQL_CACHE_MB: '-1' }, 'GRAPHQL_CACHE_MB'],
      [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
      [{ GRAPHQL_CACHE_MB: '1.5' }, 'GRAPHQL_CACHE_MB'],
      [{ RECONCILE_INTERVAL_S: '-1' }, 'RECONCILE_INTERVAL_S'],
      [{ RECONCILE_INTERVAL_S: '15m' }, 'RECONCILE_INTERVAL_S'],
      [{ SHOPIFY_API_KEY: 'k' }, 'SHOPIFY_API_SECRET'],
      [{ SHOPIFY_API_SECRET: 's' }, 'SHOPIFY_API_KEY'],
      [{ SHOPIFY_SCOPES: 'write_orders, read products' }, 'SHOPIFY_SCOPES'],
      [{ SHOPIFY_OAUTH_URL: 'ftp://{shop}/admin/oauth' }, 'SHOPIFY_OAUTH_URL'],
      [{ PUBLIC_URL: 'fbt.example.com' }, 'PUBLIC_URL'],
      [{ TIKTOK_AUTHORIZE_URL: 'services.tiktokshop.com' }, 'TIKTOK_AUTHORIZE_URL'],
      [{ TIKTOK_AUTH_API_BASE_URL: 'ftp://auth' }, 'TIKTOK_AUTH_API_BASE_URL'],
      [{ PUBLIC_URL: 'sync.example.com' }, 'PUBLIC_URL'],
    ];
    for (const [env, variable] of bad) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      try {
        loadConfig(env);
      } catch (error) {
        expect((error as ConfigError).variable).toBe(variable);
      }
    }
  });
});
