import type { ServiceParts } from '../serviceParts';
import type { PlatformPort } from './platformPort';
import { startMirrorReactor } from './startMirrorReactor';
import { type SyncReactorOptions, startSyncReactor } from './startSyncReactor';

type Tuning = Omit<
  SyncReactorOptions,
  'db' | 'databaseUrl' | 'eventStore' | 'platform' | 'log' | 'registry' | 'refusals'
>;

/**
 * The sync reactor and the mirroring reactor in `serve`, on the platform the
 * composition root picked (platformFromConfig), with the same SYNC_* tuning; stopped with the service.
 */
export function installSync(
  parts: ServiceParts,
  platform: PlatformPort,
  tuning: Tuning = {},
): void {
  const { sync } = parts.config;
  const options: SyncReactorOptions = {
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
    platform,
    log: parts.log,
    registry: parts.registry,
    refusals: parts.database.refusals,
  };
  const reactor = startSyncReactor(options);
  const mirror = startMirrorReactor(options);
  parts.onStop(() => Promise.all([reactor.stop(), mirror.stop()]).then(() => undefined));
}
