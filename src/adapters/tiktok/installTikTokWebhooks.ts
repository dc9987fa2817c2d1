import type { ServiceParts } from '../../serviceParts';
import { tikTokShopAccessOf } from './auth/tikTokShopAccess';
import { createStoreDeauthorizer } from './auth/deauthorizeStore';
import { createTikTokOrderIntake } from './tiktokOrderIntake';
import type { WebhookAttemptDependencies } from './webhookAttempt';
import { DEFAULT_WEBHOOK_RETRY_POLICY, type WebhookRetryPolicy } from './webhookFailure';
import { readWebhookInboxStats } from './webhookInboxStats';
import {
  createWebhookInboxWorker,
  DEFAULT_WEBHOOK_LEASE_MS,
  type WebhookInboxWorker,
} from './webhookInboxWorker';
import { createWebhookMetrics } from './webhookMetrics';
import { createWebhookReceiver } from './webhookReceiver';
import { registerTikTokWebhookRoute } from './webhookRoute';

/** Tuning, for tests mostly; production uses the defaults. */
export interface TikTokWebhookOptions {
  retry?: Partial<WebhookRetryPolicy>;
  leaseMs?: number;
  pollIntervalMs?: number;
  concurrency?: number;
  /** Timeout of one TikTok Shop API call. */
  apiTimeoutMs?: number;
  /** False: the route only fills the inbox (as when this process dies before the worker runs). */
  startWorker?: boolean;
}

export interface TikTokWebhooks {
  worker: WebhookInboxWorker;
}

/**
 * POST /webhooks/tiktok-shop and the worker behind it: a seller
 * deauthorization removes the store's tokens at once; verified order
 * notifications go to the inbox table, are applied at once when the order
 * is known, and otherwise by the worker, which fetches new orders from the
 * TikTok Shop API and retries with backoff.
 */
export function installTikTokWebhooks(
  parts: ServiceParts,
  options: TikTokWebhookOptions = {},
): TikTokWebhooks {
  const { config, log: serviceLog, database, eventStore, registry, app } = parts;
  const log = serviceLog.child({ component: 'tiktok-webhooks' });
  const signingKeys =
    config.tiktokAppKey !== undefined && config.tiktokAppSecret !== undefined
      ? { appKey: config.tiktokAppKey, appSecret: config.tiktokAppSecret }
      : null;
  if (signingKeys === null) {
    log.warn(
      'TIKTOK_APP_KEY and TIKTOK_APP_SECRET are not set: POST /webhooks/tiktok-shop answers 503',
    );
  }
  // Each store's calls go out with its own token (or the global one, for a store that has none).
  const access = tikTokShopAccessOf(parts, { apiTimeoutMs: options.apiTimeoutMs });

  const leaseMs = options.leaseMs ?? DEFAULT_WEBHOOK_LEASE_MS;
  const attempt: WebhookAttemptDependencies = {
    db: database.db,
    intake: createTikTokOrderIntake({ eventStore, clients: access.clients }),
    policy: { ...DEFAULT_WEBHOOK_RETRY_POLICY, ...options.retry },
    metrics: createWebhookMetrics(
      registry,
      () => readWebhookInboxStats(database.db),
      (error) => log.warn({ err: error }, 'cannot read the webhook inbox for /metrics'),
    ),
    log,
  };
  const worker = createWebhookInboxWorker({
    ...attempt,
    url: database.url,
    refusals: database.refusals,
    leaseMs,
    pollIntervalMs: options.pollIntervalMs,
    concurrency: options.concurrency,
  });
  registerTikTokWebhookRoute(app, {
    signingKeys,
    receiver: createWebhookReceiver({
      ...attempt,
      eventStore,
      leaseMs,
      wakeWorker: () => worker.wake(),
    }),
    deauthorize: createStoreDeauthorizer({
      eventStore,
      vault: access.vault,
      metrics: access.metrics,
    }),
    metrics: attempt.metrics,
    log,
  });
  if (options.startWorker !== false) {
    worker.start();
    parts.onStop(() => worker.stop());
  }
  return { worker };
}
