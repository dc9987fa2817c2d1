import { SingleBar } from 'cli-progress';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { connectedStoreIds } from '../adapters/tiktok/connectedStoreIds';
import { ReconcileError } from '../adapters/tiktok/reconcileError';
import { createReconcileMetrics } from '../adapters/tiktok/reconcileMetrics';
import {
  type ReconcileProgress,
  type ReconcileResult,
  reconcileStore,
} from '../adapters/tiktok/reconcileStore';
import { readReconcileWatermarkLags } from '../adapters/tiktok/reconcileWatermarks';
import { createTikTokShopAccess } from '../adapters/tiktok/auth/tikTokShopAccess';
import { storeIdFor } from '../commands/ids';
import { loadStore } from '../commands/storeCommands';
import { type Config, ConfigError } from '../config';
import { parseInstant } from '../graphql/edge/parseInstant';
import { UsageError } from './usageError';
import { withDatabase } from './withDatabase';

export interface ReconcileOptions {
  store?: string;
  since?: string;
}

/** A bar on a terminal, plain lines (every 2 s) otherwise; both on stderr. */
function reconcileProgress(storeId: string): {
  update(p: ReconcileProgress): void;
  done(): void;
} {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `reconcile ${storeId} [{bar}] {value}/{total} orders | {pages} pages`,
      stream: process.stderr,
      hideCursor: true,
    });
    let started = false;
    return {
      update(p) {
        // TikTok's total_count may be missing or grow while paging: never below what was found.
        const total = Math.max(p.total ?? p.found, p.found);
        if (!started) bar.start(total, 0, { pages: 0 });
        started = true;
        bar.setTotal(total);
        bar.update(p.found, { pages: p.pages });
      },
      done: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      if (Date.now() - last < 2000) return;
      last = Date.now();
      process.stderr.write(
        `reconcile ${storeId}: ${p.found}${p.total === undefined ? '' : `/${p.total}`} orders, ${p.pages} pages\n`,
      );
    },
    done: () => {},
  };
}

function summary(result: ReconcileResult): string {
  if (result.outcome === 'skipped') return `store ${result.storeId}: skipped, ${result.reason}`;
  return [
    `store ${result.storeId}: ${result.found} orders found`,
    `${result.recorded} were missing and are now recorded`,
    `${result.statusChanges} status changes applied`,
    `${result.returnsFound} returns found`,
    `${result.cancellations} cancellations and ${result.refunds} refunds after sync recorded`,
    `${result.pages} pages`,
    `searched ${result.from.toISOString()} to ${result.to.toISOString()}`,
    `watermark ${result.watermark?.toISOString() ?? 'none yet'}`,
  ].join(', ');
}

/**
 * `fbt-sync reconcile [--store ID] [--since ISO]`: searches TikTok Shop for
 * orders updated since each store's watermark (less the overlap) or since
 * --since, and applies them like webhooks; one summary line per store on
 * stdout. Exit 1 when a store failed (its watermark stays), 2 on bad usage.
 */
export async function reconcileCommand(
  config: Config,
  log: Logger,
  options: ReconcileOptions,
): Promise<number> {
  let since: Date | undefined;
  if (options.since !== undefined) {
    const instant = parseInstant(options.since);
    if (instant === undefined) {
      throw new UsageError(
        `--since must be an ISO-8601 instant with a time zone, e.g. 2026-12-01T00:00:00Z; got ${JSON.stringify(options.since)}`,
      );
    }
    since = new Date(instant);
    if (since.getTime() > Date.now()) {
      throw new UsageError(`--since ${options.since} is in the future`);
    }
  }
  if (config.tiktokAppKey === undefined || config.tiktokAppSecret === undefined) {
    const missing = config.tiktokAppKey === undefined ? 'TIKTOK_APP_KEY' : 'TIKTOK_APP_SECRET';
    throw new ConfigError(missing, 'is required to search TikTok Shop orders');
  }
  const withGlobalToken = config.tiktokAccessToken !== undefined;

  return withDatabase(config, log, async ({ database, eventStore }) => {
    // Each store's searches go out with its own token and shop_cipher (or the global token).
    const { clients } = createTikTokShopAccess({ config, db: database.db, eventStore, log });
    let storeIds: string[];
    if (options.store !== undefined) {
      // A store id, or the TikTok shop id it follows from.
      const candidates = [options.store, storeIdFor(options.store)];
      let found: string | undefined;
      for (const id of candidates) {
        if ((await loadStore({ eventStore }, id)) !== null) {
          found = id;
          break;
        }
      }
      if (found === undefined) {
        throw new UsageError(`no store ${options.store} (a store id or its TikTok shop id)`);
      }
      storeIds = [found];
    } else {
      storeIds = await connectedStoreIds(database.db, { withGlobalToken });
      if (storeIds.length === 0) {
        process.stderr.write(
          withGlobalToken
            ? 'no connected stores to reconcile\n'
            : 'no store has authorized the app on TikTok Shop (and TIKTOK_ACCESS_TOKEN is not set): nothing to reconcile\n',
        );
      }
    }

    const metrics = createReconcileMetrics(new Registry(), () =>
      readReconcileWatermarkLags(database.db),
    );
    let failures = 0;
    for (const storeId of storeIds) {
      const progress = reconcileProgress(storeId);
      try {
        const result = await reconcileStore(
          {
            db: database.db,
            url: database.url,
            eventStore,
            client: clients!.forStore(storeId),
            log,
            metrics,
          },
          { storeId, since, onProgress: (p) => progress.update(p) },
        );
        progress.done();
        process.stdout.write(`${summary(result)}\n`);
      } catch (error) {
        progress.done();
        if (!(error instanceof ReconcileError)) throw error;
        failures += 1;
        process.stderr.write(`fbt-sync: ${error.message}\n`);
      }
    }
    return failures === 0 ? 0 : 1;
  });
}
