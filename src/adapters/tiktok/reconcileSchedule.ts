import { type ConnectionRefusals, noRefusalReporter } from '../../db/connectionRefusals';
import { createLeaderRounds, type LeaderRounds } from '../../db/leaderRounds';
import { connectedStoreIds } from './connectedStoreIds';
import type { TikTokShopClients } from './auth/tikTokShopClients';
import { type ReconcileDependencies, reconcileStore } from './reconcileStore';

export interface ReconcileScheduleOptions extends Omit<ReconcileDependencies, 'client'> {
  /** Each store is reconciled with its own client (its token and shop_cipher). */
  clients: TikTokShopClients;
  /** TIKTOK_ACCESS_TOKEN is set: stores that never authorized on their own are reconciled with it. */
  withGlobalToken: boolean;
  /** From one round over every store to the next. */
  intervalMs: number;
  leaderRetryMs?: number;
  /** Where the election and the rounds report the server refusing connections (logged once per burst by serve). */
  refusals?: ConnectionRefusals;
}

/**
 * Its rounds: over every store (each completed, skipped or failed); stop()
 * returns after the store being reconciled gives up (between two orders),
 * its watermark kept.
 */
export type ReconcileSchedule = LeaderRounds;

/**
 * Reconciles every connected store, one after the other, at once when this
 * process starts leading and then every `intervalMs`. One process leads at a
 * time (an advisory lock, like the other workers); each store's run also
 * takes the store's own lock, so a `fbt-sync reconcile` at the same moment
 * is skipped rather than doubled. A store that fails is logged and tried
 * again next round; the others go on.
 */
export function createReconcileSchedule(options: ReconcileScheduleOptions): ReconcileSchedule {
  const { db, url, log, intervalMs, leaderRetryMs, clients, withGlobalToken } = options;
  const refusals = options.refusals ?? noRefusalReporter;
  async function round(lost: AbortSignal): Promise<void> {
    let storeIds: string[];
    try {
      storeIds = await connectedStoreIds(db, { withGlobalToken });
    } catch (error) {
      if (!refusals.refused(error))
        log.warn({ err: error }, 'cannot list the stores to reconcile; trying next round');
      return;
    }
    for (const storeId of storeIds) {
      if (lost.aborted) return;
      try {
        const result = await reconcileStore(
          { ...options, client: clients.forStore(storeId) },
          { storeId, signal: lost },
        );
        if (result.outcome === 'skipped')
          log.info({ storeId }, `reconcile skipped: ${result.reason}`);
      } catch (error) {
        // Stopping (or losing the lead) interrupts a run on purpose; its watermark stays.
        if (lost.aborted) return log.info({ storeId }, 'reconcile interrupted: no longer leading');
        if (!refusals.refused(error))
          log.warn({ err: error, storeId }, 'reconciling a store failed; trying again next round');
      }
    }
  }

  return createLeaderRounds({
    url,
    name: 'tiktok-reconcile',
    intervalMs,
    leaderRetryMs,
    round,
    onLead: () => log.info({ intervalMs }, 'leading the TikTok Shop reconciliation'),
    onElectionError: (error) => {
      if (!refusals.refused(error)) log.warn({ err: error }, 'reconcile leader election');
    },
  });
}
