import type { ServiceParts } from '../main';
import { platformFromConfig } from './platformFromConfig';
import { type SyncReactorOptions, startSyncReactor } from './startSyncReactor';

type Tuning = Omit<
  SyncReactorOptions,
  'db' | 'databaseUrl' | 'eventStore' | 'platform' | 'log' | 'registry' | 'refusals'
>;

/** The sync reactor in `serve`, on the platform the configuration names; stopped with the service. */
export function installSync(parts: ServiceParts, tuning: Tuning = {}): void {
  const { sync } = parts.config;
  const reactor = startSyncReactor({
    concurrency: sync.concurrency,
    retry: {
      maxAttempts: sync.maxAttempts,
      baseDelayMs: sync.retryBaseMs,
      maxDelayMs: sync.retryMaxMs,
    },
    ...tuning,
    db: parts.database.db,
    databaseUrl: parts.database.url,
    eventStore: parts.eventStore,
    platform: platformFromConfig(parts.config, parts.database.db, parts.log),
    log: parts.log,
    registry: parts.registry,
    refusals: parts.database.refusals,
  });
  parts.onStop(() => reactor.stop());
}
