import { ensureCheckpoint, lockCheckpoint } from '../eventstore/checkpoints';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { type ConnectionRefusals, noRefusalReporter } from '../db/connectionRefusals';
import { electLeader, type LeaderElection, untilAborted } from '../db/leaderElection';
import type { Database } from '../db/schema';
import { loadCheckpoint, storeCheckpoint } from '../eventstore/checkpoints';
import type { EventStore } from '../eventstore/createEventStore';
import { allProjections } from './allProjections';
import { applyBatch, type Projection, projectionCheckpointName } from './projection';
import { announceReadModelsMoved, projectionStatuses } from './projectionCheckpoints';

export interface ProjectionRunnerOptions {
  db: Kysely<Database>;
  /** For the leader election's own connection. */
  url: string;
  eventStore: EventStore;
  log: Logger;
  projections?: readonly Projection[];
  /** Events read per batch; each batch is one transaction (default 1000). */
  batchSize?: number;
  pollIntervalMs?: number;
  /** How often a standby tries to take over (default 1 s). */
  leaderRetryMs?: number;
  registry?: Registry;
  /** Where the leader connections report the server refusing them (logged once per burst by serve). */
  refusals?: ConnectionRefusals;
}

/** Another process, or a replay's swap, moved the checkpoint since this batch was read. */
class CheckpointMoved extends Error {
  constructor(projection: string) {
    super(
      `the checkpoint of projection ${projection} moved while a batch was being applied; reading again`,
    );
    this.name = 'CheckpointMoved';
  }
}

export interface ProjectionRunners {
  stop(): Promise<void>;
}

/**
 * Runs every projection on the live tables, each as a catch-up subscription
 * led by one process at a time. Each batch is one transaction: lock the
 * checkpoint, check it is still where the batch was read from, apply, store
 * the new checkpoint. A crash therefore never applies a batch twice or skips
 * one, and two processes never apply the same batch.
 */
export function startProjectionRunners({
  db,
  url,
  eventStore,
  log,
  projections = allProjections,
  batchSize = 1000,
  pollIntervalMs = 2000,
  leaderRetryMs = 1000,
  registry,
  refusals = noRefusalReporter,
}: ProjectionRunnerOptions): ProjectionRunners {
  if (registry) {
    new Gauge({
      name: 'fbt_sync_projection_lag_events',
      help: 'Events in the log after the last event each projection has applied.',
      labelNames: ['projection'],
      registers: [registry],
      async collect() {
        for (const status of await projectionStatuses(db, eventStore, projections)) {
          this.set({ projection: status.name }, status.lag);
        }
      },
    });
  }

  const elections: LeaderElection[] = projections.map((projection) => {
    const checkpointName = projectionCheckpointName(projection.name);
    const projectionLog = log.child({ projection: projection.name });
    return electLeader({
      url,
      name: checkpointName,
      retryMs: leaderRetryMs,
      onError: (error) => {
        if (!refusals.refused(error))
          projectionLog.warn({ err: error }, 'projection leader connection failed');
      },
      onElected: () => projectionLog.info('running projection'),
      lead: async (lost) => {
        await ensureCheckpoint(db, checkpointName);
        const subscription = eventStore.subscribe({
          name: checkpointName,
          types: projection.eventTypes,
          batchSize,
          pollIntervalMs,
          loadCheckpoint: () => loadCheckpoint(db, checkpointName),
          onError: (error) => {
            if (error instanceof CheckpointMoved) projectionLog.info(error.message);
            else if (!refusals.refused(error))
              projectionLog.error(
                { err: error },
                'projection batch failed; retrying from the stored checkpoint',
              );
          },
          handle: (events, checkpoint, from) =>
            db.transaction().execute(async (trx) => {
              if ((await lockCheckpoint(trx, checkpointName)) !== from)
                throw new CheckpointMoved(projection.name);
              if (events.length > 0) await applyBatch(projection, trx, 'public', events);
              await storeCheckpoint(trx, checkpointName, checkpoint);
              await announceReadModelsMoved(trx);
            }),
        });
        await untilAborted(lost);
        await subscription.stop();
      },
    });
  });

  return {
    async stop() {
      await Promise.all(elections.map((e) => e.stop()));
    },
  };
}
