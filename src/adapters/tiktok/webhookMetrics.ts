import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { WebhookInboxStats } from './webhookInboxStats';

/** How the route answered a delivery. */
export const WEBHOOK_RECEIVED_OUTCOMES = [
  'accepted',
  'deauthorized',
  'duplicate',
  'unauthorized',
  'unknown_shop',
  'invalid',
  'ignored',
  'not_configured',
  'too_large',
  'error',
] as const;
export type WebhookReceivedOutcome = (typeof WEBHOOK_RECEIVED_OUTCOMES)[number];

/** What an attempt to apply an inbox row did. */
export const WEBHOOK_PROCESSED_OUTCOMES = [
  'status_recorded',
  'order_recorded',
  'facts_recorded',
  'retry_scheduled',
  'failed',
] as const;
export type WebhookProcessedOutcome = (typeof WEBHOOK_PROCESSED_OUTCOMES)[number];

export interface WebhookMetrics {
  received(outcome: WebhookReceivedOutcome): void;
  processed(outcome: WebhookProcessedOutcome): void;
  /** Seconds from receipt to applied. */
  applied(seconds: number): void;
}

export function createWebhookMetrics(
  registry: Registry,
  readStats: () => Promise<WebhookInboxStats>,
  onStatsError: (error: unknown) => void = () => {},
): WebhookMetrics {
  const received = new Counter({
    name: 'fbt_sync_tiktok_webhooks_received_total',
    help: 'TikTok Shop webhook deliveries, by how they were answered.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const processed = new Counter({
    name: 'fbt_sync_tiktok_webhooks_processed_total',
    help: 'Attempts to apply TikTok Shop notifications from the inbox, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of WEBHOOK_RECEIVED_OUTCOMES) received.inc({ outcome }, 0);
  for (const outcome of WEBHOOK_PROCESSED_OUTCOMES) processed.inc({ outcome }, 0);
  const delay = new Histogram({
    name: 'fbt_sync_tiktok_webhook_apply_delay_seconds',
    help: 'Seconds from a TikTok Shop notification received to applied.',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 1800, 7200],
    registers: [registry],
  });

  // The inbox gauges are read from the database at scrape time, so every
  // process reports the shared inbox, leader or not. One read per scrape.
  let reading: Promise<WebhookInboxStats | undefined> | undefined;
  const stats = () =>
    (reading ??= readStats()
      .catch((error: unknown) => {
        onStatsError(error);
        return undefined;
      })
      .finally(() => {
        // Let the other gauges of this scrape share the read, then read afresh next time.
        setImmediate(() => (reading = undefined));
      }));
  const gauge = (name: string, help: string, pick: (s: WebhookInboxStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const current = await stats();
        if (current !== undefined) this.set(pick(current));
      },
    });
  gauge(
    'fbt_sync_tiktok_webhook_inbox_lag_seconds',
    'Age of the oldest TikTok Shop notification not applied yet (0 when none waits).',
    (s) => s.lagSeconds,
  );
  gauge(
    'fbt_sync_tiktok_webhook_inbox_pending',
    'TikTok Shop notifications waiting in the inbox.',
    (s) => s.pending,
  );
  gauge(
    'fbt_sync_tiktok_webhook_inbox_failed',
    'TikTok Shop notifications given up on, kept in the inbox for operators.',
    (s) => s.failed,
  );

  return {
    received: (outcome) => received.inc({ outcome }),
    processed: (outcome) => processed.inc({ outcome }),
    applied: (seconds) => delay.observe(seconds),
  };
}
