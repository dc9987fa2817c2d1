import { noRefusalReporter } from '../db/connectionRefusals';
import { electLeader } from '../db/leaderElection';
import { createMirrorWorker } from './createMirrorWorker';
import { createMirrorMetrics } from './mirrorMetrics';
import { DEFAULT_RETRY_POLICY } from './retryDelay';
import type { SyncReactor, SyncReactorOptions } from './startSyncReactor';
import { MIRROR_REACTOR, subscribeMirrorQueue } from './subscribeMirrorQueue';

/** The same options as the sync reactor's: the same platform, database and tuning. */
export type MirrorReactorOptions = SyncReactorOptions;
export type MirrorReactor = SyncReactor;

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * The mirroring reactor: the mirroring queue's subscription and the worker
 * that carries out due mirrorings on the platform, run by one process at a
 * time among all those on the database (an advisory lock of its own); the
 * others stand by and take over when it goes.
 */
export function startMirrorReactor(options: MirrorReactorOptions): MirrorReactor {
  const log = options.log.child({ component: MIRROR_REACTOR });
  const metrics = createMirrorMetrics(options.registry);
  const refusals = options.refusals ?? noRefusalReporter;
  const election = electLeader({
    url: options.databaseUrl,
    name: MIRROR_REACTOR,
    retryMs: options.leaderRetryMs,
    onError: (error) => {
      if (!refusals.refused(error))
        log.warn({ err: error }, 'the mirroring reactor lost its leader connection');
    },
    onElected: () => log.info('this process runs the mirroring reactor'),
    lead: async (lost) => {
      const worker = createMirrorWorker({
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
        refusals,
      });
      const subscription = subscribeMirrorQueue({
        db: options.db,
        eventStore: options.eventStore,
        log,
        onAdvanced: (checkpoint) => worker.queueAdvanced(checkpoint),
        pollIntervalMs: options.queuePollIntervalMs,
        refusals,
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
