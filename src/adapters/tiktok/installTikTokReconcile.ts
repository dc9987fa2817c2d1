import type { ServiceParts } from '../../serviceParts';
import { createReconcileMetrics } from './reconcileMetrics';
import { createReconcileSchedule, type ReconcileSchedule } from './reconcileSchedule';
import type { ReconcileDependencies } from './reconcileStore';
import { readReconcileWatermarkLags } from './reconcileWatermarks';
import { tikTokShopAccessOf } from './auth/tikTokShopAccess';

/** Tuning, for tests mostly; production uses the defaults. */
export type TikTokReconcileOptions = Partial<
  Pick<ReconcileDependencies, 'backoff' | 'pageSize' | 'now' | 'overlapMs' | 'safetyMarginMs'>
> & { leaderRetryMs?: number; apiTimeoutMs?: number };

/**
 * Reconciliation in `serve`: every RECONCILE_INTERVAL_S, every connected
 * store's orders are searched on TikTok Shop and applied like webhooks, so a
 * lost webhook costs at most one interval; each store with its own token
 * and shop_cipher (or the global token, for a store that has none). Off with
 * RECONCILE_INTERVAL_S=0, or without the app keys. The metrics are registered
 * either way: the lag gauge reads the table, whoever writes it.
 */
export function installTikTokReconcile(
  parts: ServiceParts,
  options: TikTokReconcileOptions = {},
): ReconcileSchedule | null {
  const { config, database, eventStore, registry } = parts;
  const log = parts.log.child({ component: 'tiktok-reconcile' });
  const metrics = createReconcileMetrics(
    registry,
    () => readReconcileWatermarkLags(database.db),
    (error) => {
      if (!database.refusals.refused(error))
        log.warn({ err: error }, 'cannot read the reconcile watermarks for /metrics');
    },
  );
  if (config.reconcileIntervalS === 0) {
    log.info('RECONCILE_INTERVAL_S=0: TikTok Shop reconciliation is off');
    return null;
  }
  const { clients } = tikTokShopAccessOf(parts, { apiTimeoutMs: options.apiTimeoutMs });
  if (clients === null) {
    log.warn('TIKTOK_APP_KEY and TIKTOK_APP_SECRET are not set: TikTok Shop reconciliation is off');
    return null;
  }
  const schedule = createReconcileSchedule({
    ...options,
    db: database.db,
    url: database.url,
    eventStore,
    clients,
    withGlobalToken: config.tiktokAccessToken !== undefined,
    log,
    metrics,
    intervalMs: config.reconcileIntervalS * 1000,
    refusals: database.refusals,
  });
  schedule.start();
  parts.onStop(() => schedule.stop());
  return schedule;
}
