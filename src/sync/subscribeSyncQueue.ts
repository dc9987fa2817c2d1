import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { type ConnectionRefusals, noRefusalReporter } from '../db/connectionRefusals';
import type { Database } from '../db/schema';
import { ORDER_STREAM_PREFIX } from '../domain/eventCatalog';
import { compareCheckpoints } from '../eventstore/checkpoint';
import { loadCheckpoint, lockCheckpoint, storeCheckpoint } from '../eventstore/checkpoints';
import type { EventStore } from '../eventstore/createEventStore';
import type { Subscription } from '../eventstore/subscribe';
import type { Checkpoint } from '../eventstore/types';
import { applySyncQueueChanges } from './applySyncQueueChanges';
import { SYNC_QUEUE_EVENT_TYPES, syncQueueChanges } from './syncQueueChanges';

/** The name of the reactor's subscription (its checkpoint) and of its leader election. */
export const SYNC_REACTOR = 'sync-reactor';

export interface SyncQueueSubscriptionOptions {
  db: Kysely<Database>;
  eventStore: EventStore;
  log: Logger;
  /** After each batch is stored. */
  onAdvanced: (checkpoint: Checkpoint) => void;
  pollIntervalMs?: number;
  /** Where a refused connection goes instead of the log (logged once per burst by serve). */
  refusals?: ConnectionRefusals;
}

/**
 * Keeps the sync queue from the order events: each batch's queue changes (one
 * statement) and its checkpoint in one transaction, so a crash never loses a
 * scheduled retry or applies an event twice.
 */
export function subscribeSyncQueue({
  db,
  eventStore,
  log,
  onAdvanced,
  pollIntervalMs,
  refusals = noRefusalReporter,
}: SyncQueueSubscriptionOptions): Subscription {
  return eventStore.subscribe({
    name: SYNC_REACTOR,
    types: SYNC_QUEUE_EVENT_TYPES,
    streamPrefix: ORDER_STREAM_PREFIX,
    pollIntervalMs,
    loadCheckpoint: () => loadCheckpoint(db, SYNC_REACTOR),
    handle: async (events, checkpoint) => {
      await db.transaction().execute(async (trx) => {
        // A process that just lost the lead may still finish a batch: never
        // let it take the queue back to an older state.
        if (compareCheckpoints(await lockCheckpoint(trx, SYNC_REACTOR), checkpoint) >= 0) return;
        await applySyncQueueChanges(trx, syncQueueChanges(events));
        await storeCheckpoint(trx, SYNC_REACTOR, checkpoint);
      });
      onAdvanced(checkpoint);
    },
    onError: (error) => {
      if (!refusals.refused(error))
        log.warn(
          { err: error },
          'the sync queue subscription failed; it starts again from its checkpoint',
        );
    },
  });
}
