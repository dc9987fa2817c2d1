import { Counter, Histogram, type Registry } from 'prom-client';

export interface SyncMetrics {
  attempts: Counter;
  synced: Counter<'already_on_platform'>;
  /** Final failures: the order is FAILED (or was cancelled meanwhile). */
  failed: Counter<'kind'>;
  /** Retryable failures with another attempt scheduled. */
  retried: Counter<'kind'>;
  /** Errors that are not the platform's (a bug, the database gone): the order stays queued. */
  unexpected: Counter;
  /** From OrderSyncRequested (placed, released, or retried by a person) to OrderSynced. */
  requestedToSynced: Histogram;
}

/** Once per registry: prom-client refuses a metric registered twice. */
export function createSyncMetrics(registry: Registry): SyncMetrics {
  const registers = [registry];
  return {
    attempts: new Counter({
      name: 'fbt_sync_order_sync_attempts_total',
      help: 'Sync attempts started (OrderSyncStarted).',
      registers,
    }),
    synced: new Counter({
      name: 'fbt_sync_orders_synced_total',
      help: 'Orders synced to the platform; already_on_platform when an earlier attempt had created it.',
      labelNames: ['already_on_platform'],
      registers,
    }),
    failed: new Counter({
      name: 'fbt_sync_orders_failed_total',
      help: 'Orders FAILED: refused by the platform, or out of attempts. By platform error kind.',
      labelNames: ['kind'],
      registers,
    }),
    retried: new Counter({
      name: 'fbt_sync_order_retries_total',
      help: 'Retryable sync failures after which another attempt was scheduled. By platform error kind.',
      labelNames: ['kind'],
      registers,
    }),
    unexpected: new Counter({
      name: 'fbt_sync_unexpected_errors_total',
      help: 'Sync attempts cut short by an error that is not the platform answering (the order stays queued).',
      registers,
    }),
    requestedToSynced: new Histogram({
      name: 'fbt_sync_requested_to_synced_seconds',
      help: 'Seconds from OrderSyncRequested (the order placed and paid, released, or retried) to OrderSynced.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers,
    }),
  };
}
