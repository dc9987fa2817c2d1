import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type ConnectionRefusals, noRefusalReporter } from '../db/connectionRefusals';
import { electLeader } from '../db/leaderElection';
import type { Database } from '../db/schema';
import type { EventStore } from '../eventstore/createEventStore';
import { createSyncWorker } from './createSyncWorker';
import type { PlatformPort } from './platformPort';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryDelay';
import { SYNC_REACTOR, subscribeSyncQueue } from './subscribeSyncQueue';
import { createSyncMetrics } from './syncMetrics';

export interface SyncReactorOptions {
  db: Kysely<Database>;
  /** For the leader election's own connection. */
  databaseUrl: string;
  eventStore: EventStore;
  platform: PlatformPort;
  log: Logger;
  /** Where the sync metrics go; once per registry. */
  registry: Registry;
  now?: () => Date;
  /** The retry delays' jitter. */
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Attempts in flight at once. Default 12. */
  concurrency?: number;
  /** The worker's longest sleep. Default 30000. */
  safetyPollMs?: number;
  /** The queue subscription's slow poll, behind the NOTIFY wake-ups. Default 2000. */
  queuePollIntervalMs?: number;
  /** How long stopping waits for attempts in flight. Default 15000. */
  stopTimeoutMs?: number;
  /** How often a standby tries to take the lead. Default 1000. */
  leaderRetryMs?: number;
  /** Where the leader connection reports the server refusing it (logged once per burst by serve). */
  refusals?: ConnectionRefusals;
}

export interface SyncReactor {
  readonly isLeader: boolean;
  /** Stops the queue and the worker (waiting, bounded, for attempts in flight), and the lead. */
  stop(): Promise<void>;
}

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * The sync reactor: the sync queue's subscription and the worker that syncs
 * due orders, run by one process at a time among all those on the database
 * (an advisory lock); the others stand by and take over when it goes.
 */
export function startSyncReactor(options: SyncReactorOptions): SyncReactor {
  const log = options.log.child({ component: SYNC_REACTOR });
  const metrics = createSyncMetrics(options.registry);
  const election = electLeader({
    url: options.databaseUrl,
    name: SYNC_REACTOR,
    retryMs: options.leaderRetryMs,
    onError: (error) => {
      if (!(options.refusals ?? noRefusalReporter).refused(error))
        log.warn({ err: error }, 'the sync reactor lost its leader connection');
    },
    onElected: () => log.info('this process runs the sync reactor'),
    lead: async (lost) => {
      const worker = createSyncWorker({
        db: options.db,
        eventStore: options.eventStore,
        platform: options.platform,
        now: options.now ?? (() => new Date()),
        random: options.random ?? Math.random,
        retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
        log,
        metrics,
        concurrency: options.concurrency ?? 12,
        safetyPollMs: options.safetyPollMs ?? 30_000,
        stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
        signal: lost,
        refusals: options.refusals,
      });
      const subscription = subscribeSyncQueue({
        db: options.db,
        eventStore: options.eventStore,
        log,
        onAdvanced: (checkpoint) => worker.queueAdvanced(checkpoint),
        pollIntervalMs: options.queuePollIntervalMs,
        refusals: options.refusals,
      });
      await untilAborted(lost);
      await subscription.stop();
      await worker.stop();
    },
  });
  return {
    get isLeader() {
      return election.isLeader;
    },
    stop: () => election.stop(),
  };
}
