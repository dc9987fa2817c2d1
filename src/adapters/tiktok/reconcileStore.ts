import { pauseUnlessAborted } from '../../db/leaderRounds';
import { jitteredBackoffMs } from '../../backoff';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CommandContext } from '../../commands/commandContext';
import { loadStore } from '../../commands/storeCommands';
import type { Database } from '../../db/schema';
import { DomainError } from '../../domain/domainError';
import type { EventStore } from '../../eventstore/createEventStore';
import {
  MAX_RETURNS_PAGE_SIZE,
  MAX_SEARCH_PAGE_SIZE,
  type SearchOrdersPage,
  type SearchReturnsPage,
  type TikTokShopClient,
} from './createTikTokShopClient';
import type { TikTokShopOrder } from './mapTikTokOrder';
import { ReconcileError } from './reconcileError';
import { tryReconcileLock } from './reconcileLock';
import type { ReconcileMetrics } from './reconcileMetrics';
import { advanceReconcileWatermark, readReconcileWatermark } from './reconcileWatermarks';
import { TikTokApiError } from './TikTokApiError';
import type { TikTokShopReturn } from './mapTikTokReturn';
import {
  applyFoundTikTokOrder,
  type FetchOrderDetail,
  type FoundTikTokOrderOutcome,
  recordFoundCancellation,
  recordFoundReturns,
} from './tiktokOrderIntake';
import { TikTokOrderIntakeError } from './tiktokOrderIntakeError';

/** Who the events reconciliation appends are recorded by. */
export const TIKTOK_RECONCILE_ACTOR = 'tiktok-shop-reconcile';

const HOUR_MS = 60 * 60 * 1000;
/**
 * TikTok retries a failed webhook at +2 min, +30 min, +3 h and +12 h: a
 * search from 16 h before the watermark sees again every order whose
 * notification may still be coming or was dropped after the last retry.
 */
export const RECONCILE_OVERLAP_MS = 16 * HOUR_MS;
/** The search stops this far before now, so an order TikTok is still indexing is not passed by. */
export const RECONCILE_SAFETY_MARGIN_MS = 60_000;

export interface ReconcileBackoff {
  /** Attempts per page before a retryable failure fails the run. */
  maxAttempts: number;
  /** The first retry waits about this long, each next one twice as long, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RECONCILE_BACKOFF: ReconcileBackoff = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
};

export interface ReconcileDependencies {
  db: Kysely<Database>;
  /** The database's URL, for the lock's own connection. */
  url: string;
  eventStore: EventStore;
  client: TikTokShopClient;
  log: Logger;
  metrics?: ReconcileMetrics;
  /** Sent with every search when set (TikTok's shop_cipher). */
  shopCipher?: string;
  now?: () => Date;
  overlapMs?: number;
  safetyMarginMs?: number;
  pageSize?: number;
  backoff?: Partial<ReconcileBackoff>;
  /** Orders of one page applied at once (each is its own stream). */
  applyConcurrency?: number;
}

export interface ReconcileProgress {
  storeId: string;
  pages: number;
  found: number;
  /** TikTok's count of orders in the window, once the first page said it. */
  total: number | undefined;
}

export interface ReconcileRequest {
  storeId: string;
  /** Search from here instead of the watermark less the overlap. */
  since?: Date;
  onProgress?: (progress: ReconcileProgress) => void;
  /** Aborting stops the run between two orders; the watermark stays. */
  signal?: AbortSignal;
}

export type ReconcileResult =
  | {
      outcome: 'completed';
      storeId: string;
      /** The window searched: [from, to). */
      from: Date;
      to: Date;
      pages: number;
      found: number;
      /** Found and not known before: recorded now. */
      recorded: number;
      /** Known orders moved on to the status found. */
      statusChanges: number;
      /** Cancellations after sync (whole or of lines) recorded from Get Order Detail. */
      cancellations: number;
      /** Search Returns pages read, and the returns they listed. */
      returnPages: number;
      returnsFound: number;
      /** Completed returns and refunds recorded (each once, keyed by its return id). */
      refunds: number;
      /** The watermark after the run; null while the window was empty before a first run. */
      watermark: Date | null;
    }
  | { outcome: 'skipped'; storeId: string; reason: string };

/**
 * Reconciles one store with TikTok Shop: searches its orders by update time
 * over [watermark - overlap, now - margin), page by page, and applies every
 * order found through the webhook's own idempotent commands. The watermark
 * moves only after the last page was applied, so a crash or a failure
 * searches the same window again, which appends nothing twice. Runs under
 * the store's advisory lock; when another process holds it, the run is
 * skipped.
 */
export async function reconcileStore(
  dependencies: ReconcileDependencies,
  { storeId, since, onProgress, signal }: ReconcileRequest,
): Promise<ReconcileResult> {
  const {
    db,
    url,
    eventStore,
    client,
    log: baseLog,
    metrics,
    shopCipher,
    now = () => new Date(),
    overlapMs = RECONCILE_OVERLAP_MS,
    safetyMarginMs = RECONCILE_SAFETY_MARGIN_MS,
    pageSize = MAX_SEARCH_PAGE_SIZE,
    applyConcurrency = 4,
  } = dependencies;
  const backoff = { ...DEFAULT_RECONCILE_BACKOFF, ...dependencies.backoff };
  const log = baseLog.child({ component: 'tiktok-reconcile', storeId });

  const store = await loadStore({ eventStore }, storeId);
  if (store === null) throw new ReconcileError('STORE_NOT_FOUND', storeId, 'no such store');

  const lock = await tryReconcileLock(url, storeId);
  if (lock === null) {
    metrics?.run('skipped');
    return {
      outcome: 'skipped',
      storeId,
      reason: 'another process is reconciling this store (it holds the lock)',
    };
  }
  const stop = signal === undefined ? lock.lost : AbortSignal.any([lock.lost, signal]);
  const interrupted = () =>
    new ReconcileError(
      'INTERRUPTED',
      storeId,
      lock.lost.aborted ? 'the lock connection was lost' : 'stopped',
    );

  try {
    const watermark = await readReconcileWatermark(db, storeId);
    const connectedAt = new Date(store.createdAt);
    // Nothing updated before the store was connected was ever ours to receive, unless asked for.
    const fromMs =
      since?.getTime() ?? Math.max(connectedAt.getTime(), (watermark?.getTime() ?? 0) - overlapMs);
    // TikTok searches in whole seconds.
    const ge = Math.floor(fromMs / 1000);
    const lt = Math.floor((now().getTime() - safetyMarginMs) / 1000);
    const context: CommandContext = {
      eventStore,
      now,
      metadata: {
        correlationId: `reconcile:${storeId}:${ge}-${lt}`,
        actor: TIKTOK_RECONCILE_ACTOR,
      },
    };
    const counts: Record<FoundTikTokOrderOutcome, number> = {
      recorded: 0,
      status_changed: 0,
      unchanged: 0,
    };
    let pages = 0;
    let found = 0;
    let cancellations = 0;
    let returnPages = 0;
    let returnsFound = 0;
    let refunds = 0;
    let total: number | undefined;

    /** One TikTok Shop call, retried with backoff while its failure is retryable. */
    const withRetries = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        if (stop.aborted) throw interrupted();
        try {
          return await call();
        } catch (error) {
          if (!(error instanceof TikTokApiError)) throw error;
          const reason = `TikTok Shop API ${error.code}: ${error.message}`;
          // Not authorized: waiting a minute will not bring the seller back; the next round asks again.
          if (!error.retryable || error.code === 'NOT_AUTHORIZED') {
            throw new ReconcileError('TIKTOK_API', storeId, reason, { cause: error });
          }
          if (attempt >= backoff.maxAttempts) {
            throw new ReconcileError(
              'TIKTOK_API',
              storeId,
              `${reason} (gave up after ${attempt} attempts)`,
              { cause: error },
            );
          }
          const delayMs = jitteredBackoffMs(backoff, attempt);
          log.warn({ reason, attempt, delayMs }, `TikTok Shop ${what} failed; retrying`);
          await pauseUnlessAborted(delayMs, stop);
        }
      }
    };
    const window = { shopCipher, updateTimeGe: ge, updateTimeLt: lt, pageSize };
    const searchPage = (pageToken: string | undefined): Promise<SearchOrdersPage> =>
      withRetries('order search', () => client.searchOrders({ ...window, pageToken }));
    const searchReturnsPage = (pageToken: string | undefined): Promise<SearchReturnsPage> =>
      withRetries('return search', () =>
        client.searchReturnsUpdated({
          ...window,
          pageSize: Math.min(pageSize, MAX_RETURNS_PAGE_SIZE),
          pageToken,
        }),
      );
    const fetchDetail: FetchOrderDetail = (orderId) =>
      withRetries('order detail', () => client.getOrderDetail({ orderId, shopCipher }));

    /** Runs one order's work, naming the order when it fails. */
    const onOrder = async <T>(tiktokOrderId: string, work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof ReconcileError) throw error;
        const reason =
          error instanceof DomainError || error instanceof TikTokOrderIntakeError
            ? `${error.code}: ${error.message}`
            : error instanceof Error
              ? error.message
              : String(error);
        throw new ReconcileError('APPLY_FAILED', storeId, `order ${tiktokOrderId}: ${reason}`, {
          cause: error,
        });
      }
    };

    const apply = async (order: TikTokShopOrder): Promise<void> => {
      const { outcome, cancelled } = await onOrder(order.orderId, async () => {
        const applied = await applyFoundTikTokOrder(context, {
          storeId,
          tiktokShopId: store.tiktokShopId,
          order,
        });
        // The cancellation webhook (type 11) may have been lost too: its facts, once.
        const recorded = await recordFoundCancellation(context, {
          storeId,
          tiktokShopId: store.tiktokShopId,
          found: order,
          order: applied.state,
          fetchDetail,
        });
        return { outcome: applied.outcome, cancelled: recorded };
      });
      counts[outcome] += 1;
      if (outcome === 'recorded') metrics?.missing(1);
      if (outcome === 'status_changed') metrics?.statusChanges(1);
      if (cancelled) {
        cancellations += 1;
        metrics?.afterSyncFacts('cancellation', 1);
      }
    };

    /** One order's returns found updated in the window (their webhooks, type 12, may have been lost). */
    const applyReturns = async ([tiktokOrderId, returns]: [string, TikTokShopReturn[]]) => {
      const recorded = await onOrder(tiktokOrderId, () =>
        recordFoundReturns(context, {
          storeId,
          tiktokShopId: store.tiktokShopId,
          tiktokOrderId,
          returns,
          fetchDetail,
        }),
      );
      refunds += recorded;
      if (recorded > 0) metrics?.afterSyncFacts('refund', recorded);
    };

    /** A page's items, `applyConcurrency` at a time; every one settles before a failure is reported. */
    const applyPage = async <T>(
      items: readonly T[],
      applyOne: (item: T) => Promise<void>,
    ): Promise<void> => {
      let next = 0;
      const slot = async () => {
        while (next < items.length) {
          if (stop.aborted) throw interrupted();
          await applyOne(items[next++]!);
        }
      };
      const results = await Promise.allSettled(
        Array.from({ length: Math.min(applyConcurrency, items.length) }, slot),
      );
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    };

    if (lt > ge) {
      let pageToken: string | undefined;
      do {
        const page = await searchPage(pageToken);
        pages += 1;
        total ??= page.totalCount;
        found += page.orders.length;
        metrics?.found(page.orders.length);
        await applyPage(page.orders, apply);
        onProgress?.({ storeId, pages, found, total });
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
      // Then the returns updated in the same window, once every order found is recorded.
      pageToken = undefined;
      do {
        const page = await searchReturnsPage(pageToken);
        returnPages += 1;
        returnsFound += page.returns.length;
        // One order's returns together, one order at a time: a page's orders run side by side.
        const byOrder = new Map<string, TikTokShopReturn[]>();
        for (const found of page.returns) {
          const returns = byOrder.get(found.orderId);
          if (returns) returns.push(found);
          else byOrder.set(found.orderId, [found]);
        }
        await applyPage([...byOrder], applyReturns);
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
    }
    if (stop.aborted) throw interrupted();

    // Every page is applied: only now may the watermark pass the window, and only when the
    // window began at or before it (a --since after it leaves a stretch nobody searched).
    const to = new Date(lt * 1000);
    const covered = watermark === null || ge * 1000 <= watermark.getTime();
    const newWatermark =
      lt > ge && covered ? await advanceReconcileWatermark(db, storeId, to) : watermark;
    metrics?.run('completed');
    const result = {
      outcome: 'completed' as const,
      storeId,
      from: new Date(ge * 1000),
      to,
      pages,
      found,
      recorded: counts.recorded,
      statusChanges: counts.status_changed,
      cancellations,
      returnPages,
      returnsFound,
      refunds,
      watermark: newWatermark,
    };
    log.info(
      {
        from: result.from,
        to,
        pages,
        found,
        recorded: result.recorded,
        statusChanges: result.statusChanges,
        cancellations,
        returnPages,
        returnsFound,
        refunds,
      },
      'reconciled the store with TikTok Shop',
    );
    return result;
  } catch (error) {
    metrics?.run('failed');
    throw error;
  } finally {
    await lock.release();
  }
}
