import path from 'node:path';
import { credentialsKeyProblem } from './credentials/credentialsKeyText';

/** Bad configuration: start-up stops with one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type PlatformKind = 'sandbox' | 'shopify';

export interface SyncTuning {
  /** A platform call that takes longer fails with TIMEOUT (and is retried). */
  platformTimeoutMs: number;
  /** Attempts per sync request before a retryable failure makes the order FAILED. */
  maxAttempts: number;
  /** The wait after the first retryable failure; it doubles with each one after, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Sync attempts in flight at once. */
  concurrency: number;
}
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** Unset means the embedded default database under dataDir. */
  databaseUrl: string | undefined;
  /** Connections the service's pool opens at most (besides one each for LISTEN and leader elections). */
  databasePoolSize: number;
  port: number;
  host: string;
  /** Unset means generated once and kept under dataDir. */
  authSecret: string | undefined;
  /** The key that encrypts stores' tokens at rest (32 bytes, base64 or hex); unset means generated once and kept under dataDir. */
  credentialsKey: string | undefined;
  platform: PlatformKind;
  shopifyAdminApiUrl: string;
  shopifyAccessToken: string | undefined;
  tiktokAppKey: string | undefined;
  tiktokAppSecret: string | undefined;
  tiktokApiBaseUrl: string;
  tiktokAccessToken: string | undefined;
  logLevel: LogLevel;
  /** How the sync reactor treats the platform: timeouts, retries, parallel attempts. */
  sync: SyncTuning;
  dataDir: string;
  /** development shows stack traces in GraphQL errors; nothing else does. */
  nodeEnv: string;
  /** Memory for the GraphQL response cache, in MiB; 0 turns it off. */
  graphqlCacheMb: number;
  /** How long a query waits at most for the read models to hold the writes committed before it arrived; 0: never waits. */
  readConsistencyWaitMs: number;
  /**
   * Seconds between two reconciliations of every connected store with TikTok
   * Shop's order search (lost webhooks); 0 turns the schedule off.
   */
  reconcileIntervalS: number;
  /** The Shopify app's client id and secret (SHOPIFY_API_KEY / SHOPIFY_API_SECRET): stores install the app and bring their own tokens. */
  shopifyApp: { apiKey: string; apiSecret: string } | undefined;
  /** The access scopes the install asks for. */
  shopifyScopes: string[];
  /** Shopify's OAuth base, `{shop}` replaced by the shop's domain: `/authorize` and `/access_token` follow it. */
  shopifyOauthUrl: string;
  /** The app's service id in TikTok Shop's partner center, sent to the authorization page; unset: stores cannot authorize. */
  tiktokServiceId: string | undefined;
  /** TikTok Shop's seller authorization page. */
  tiktokAuthorizeUrl: string;
  /** Where TikTok Shop's token endpoints live (Get Access Token, Refresh Access Token). */
  tiktokAuthApiBaseUrl: string;
  /** The service's address as the outside world reaches it (callback URLs); unset: http://HOST:PORT. */
  publicUrl: string | undefined;
}

/** What the Shopify adapter needs of a shop: orders, variants by SKU, fulfilment holds, restocks. */
export const DEFAULT_SHOPIFY_SCOPES = [
  'read_orders',
  'write_orders',
  'read_products',
  'read_inventory',
  'write_inventory',
  'read_merchant_managed_fulfillment_orders',
  'write_merchant_managed_fulfillment_orders',
];

const projectRoot = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
);
const logLevels: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  max: number,
  min = 1,
): number {
  const text = nonEmpty(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${text}`);
  }
  return value;
}

function httpUrl(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value.replace('{shop}', 'shop.example'));
  } catch {
    throw new ConfigError(name, `not a URL: ${value}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got ${value}`);
  }
  return value;
}

function optionalHttpUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = nonEmpty(env, name);
  return value === undefined ? undefined : httpUrl(name, value).replace(/\/+$/, '');
}

/**
 * Where the outside world reaches the service: PUBLIC_URL, else
 * http://HOST:PORT, or the port the server listens on when given (PORT=0).
 */
export function publicUrlOf(
  config: Pick<Config, 'publicUrl' | 'host' | 'port'>,
  listeningPort: number = config.port,
): string {
  if (config.publicUrl !== undefined) return config.publicUrl;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${listeningPort}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = nonEmpty(env, 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }

  const portText = nonEmpty(env, 'PORT') ?? '4000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `must be a port number 0-65535, got ${portText}`);
  }

  const authSecret = nonEmpty(env, 'AUTH_SECRET');
  if (authSecret !== undefined && authSecret.length < 32) {
    throw new ConfigError('AUTH_SECRET', 'must be at least 32 characters');
  }

  const credentialsKey = nonEmpty(env, 'CREDENTIALS_KEY');
  if (credentialsKey !== undefined) {
    const problem = credentialsKeyProblem(credentialsKey);
    if (problem !== undefined) throw new ConfigError('CREDENTIALS_KEY', problem);
  }

  const platform = nonEmpty(env, 'PLATFORM') ?? 'sandbox';
  if (platform !== 'sandbox' && platform !== 'shopify') {
    throw new ConfigError('PLATFORM', `must be sandbox or shopify, got ${platform}`);
  }
  const shopifyAccessToken = nonEmpty(env, 'SHOPIFY_ACCESS_TOKEN');
  const shopifyApiKey = nonEmpty(env, 'SHOPIFY_API_KEY');
  const shopifyApiSecret = nonEmpty(env, 'SHOPIFY_API_SECRET');
  if ((shopifyApiKey === undefined) !== (shopifyApiSecret === undefined)) {
    throw new ConfigError(
      shopifyApiKey === undefined ? 'SHOPIFY_API_KEY' : 'SHOPIFY_API_SECRET',
      'SHOPIFY_API_KEY and SHOPIFY_API_SECRET go together',
    );
  }
  if (platform === 'shopify' && shopifyAccessToken === undefined && shopifyApiKey === undefined) {
    throw new ConfigError(
      'SHOPIFY_ACCESS_TOKEN',
      'is required when PLATFORM=shopify, unless SHOPIFY_API_KEY and SHOPIFY_API_SECRET are set so that stores install the app',
    );
  }
  const scopesText = nonEmpty(env, 'SHOPIFY_SCOPES');
  const shopifyScopes =
    scopesText === undefined
      ? DEFAULT_SHOPIFY_SCOPES
      : scopesText.split(',').map((scope) => scope.trim());
  const badScope = shopifyScopes.find((scope) => !/^[a-z_]{1,100}$/.test(scope));
  if (badScope !== undefined) {
    throw new ConfigError(
      'SHOPIFY_SCOPES',
      `must be Shopify access scopes separated by commas, got ${JSON.stringify(badScope)}`,
    );
  }

  const logLevel = nonEmpty(env, 'LOG_LEVEL') ?? 'info';
  if (!logLevels.includes(logLevel as LogLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${logLevels.join(', ')}, got ${logLevel}`);
  }

  const tiktokAppKey = nonEmpty(env, 'TIKTOK_APP_KEY');
  const tiktokAppSecret = nonEmpty(env, 'TIKTOK_APP_SECRET');
  if ((tiktokAppKey === undefined) !== (tiktokAppSecret === undefined)) {
    throw new ConfigError(
      tiktokAppKey === undefined ? 'TIKTOK_APP_KEY' : 'TIKTOK_APP_SECRET',
      'TIKTOK_APP_KEY and TIKTOK_APP_SECRET go together',
    );
  }

  return {
    databaseUrl,
    databasePoolSize: wholeNumber(env, 'DATABASE_POOL_SIZE', 16, 1000),
    port,
    host: nonEmpty(env, 'HOST') ?? '127.0.0.1',
    authSecret,
    credentialsKey,
    platform,
    shopifyAdminApiUrl: httpUrl(
      'SHOPIFY_ADMIN_API_URL',
      nonEmpty(env, 'SHOPIFY_ADMIN_API_URL') ?? 'https://{shop}/admin/api/2025-01/graphql.json',
    ),
    shopifyAccessToken,
    tiktokAppKey,
    tiktokAppSecret,
    tiktokApiBaseUrl: httpUrl(
      'TIKTOK_API_BASE_URL',
      nonEmpty(env, 'TIKTOK_API_BASE_URL') ?? 'https://open-api.tiktokglobalshop.com',
    ),
    tiktokAccessToken: nonEmpty(env, 'TIKTOK_ACCESS_TOKEN'),
    logLevel: logLevel as LogLevel,
    sync: {
      platformTimeoutMs: wholeNumber(env, 'PLATFORM_TIMEOUT_MS', 10_000, 600_000),
      maxAttempts: wholeNumber(env, 'SYNC_MAX_ATTEMPTS', 8, 1000),
      retryBaseMs: wholeNumber(env, 'SYNC_RETRY_BASE_MS', 2_000, 3_600_000),
      retryMaxMs: wholeNumber(env, 'SYNC_RETRY_MAX_MS', 300_000, 86_400_000),
      concurrency: wholeNumber(env, 'SYNC_CONCURRENCY', 12, 256),
    },
    dataDir: path.resolve(nonEmpty(env, 'DATA_DIR') ?? path.join(projectRoot, '.data')),
    nodeEnv: nonEmpty(env, 'NODE_ENV') ?? 'production',
    graphqlCacheMb: wholeNumber(env, 'GRAPHQL_CACHE_MB', 32, 4096, 0),
    readConsistencyWaitMs: wholeNumber(env, 'READ_CONSISTENCY_WAIT_MS', 2000, 60_000, 0),
    reconcileIntervalS: wholeNumber(env, 'RECONCILE_INTERVAL_S', 900, 7 * 86_400, 0),
    shopifyApp:
      shopifyApiKey === undefined || shopifyApiSecret === undefined
        ? undefined
        : { apiKey: shopifyApiKey, apiSecret: shopifyApiSecret },
    shopifyScopes,
    shopifyOauthUrl: httpUrl(
      'SHOPIFY_OAUTH_URL',
      nonEmpty(env, 'SHOPIFY_OAUTH_URL') ?? 'https://{shop}/admin/oauth',
    ),
    publicUrl: optionalHttpUrl(env, 'PUBLIC_URL'),
    tiktokServiceId: nonEmpty(env, 'TIKTOK_SERVICE_ID'),
    tiktokAuthorizeUrl: httpUrl(
      'TIKTOK_AUTHORIZE_URL',
      nonEmpty(env, 'TIKTOK_AUTHORIZE_URL') ?? 'https://services.tiktokshop.com/open/authorize',
    ),
    tiktokAuthApiBaseUrl: httpUrl(
      'TIKTOK_AUTH_API_BASE_URL',
      nonEmpty(env, 'TIKTOK_AUTH_API_BASE_URL') ?? 'https://auth.tiktok-shops.com',
    ),
  };
}
