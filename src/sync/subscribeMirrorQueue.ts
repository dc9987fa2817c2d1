import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { asDomainEvent, foldEvents } from '../eventstore/aggregateStream';
import { type ConnectionRefusals, noRefusalReporter } from '../db/connectionRefusals';
import type { Database } from '../db/schema';
import { ORDER_STREAM_PREFIX, orderStreamId } from '../domain/eventCatalog';
import type { OrderEvent } from '../domain/orderEvents';
import { orderDecider } from '../domain/orderDecider';
import { compareCheckpoints } from '../eventstore/checkpoint';
import { loadCheckpoint, lockCheckpoint, storeCheckpoint } from '../eventstore/checkpoints';
import type { EventStore } from '../eventstore/createEventStore';
import type { Subscription } from '../eventstore/subscribe';
import type { Checkpoint } from '../eventstore/types';
import { applyMirrorQueueRows } from './applyMirrorQueueRows';
import { MIRROR_QUEUE_EVENT_TYPES, type MirrorQueueRow, mirrorQueueRows } from './mirrorQueueRows';

/** The name of the mirroring reactor's subscription (its checkpoint) and of its leader election. */
export const MIRROR_REACTOR = 'mirror-reactor';

export interface MirrorQueueSubscriptionOptions {
  db: Kysely<Database>;
  eventStore: EventStore;
  log: Logger;
  /** After each batch is stored. */
  onAdvanced: (checkpoint: Checkpoint) => void;
  pollIntervalMs?: number;
  /** Where a failed batch reports the server refusing connections (logged once per burst by serve). */
  refusals?: ConnectionRefusals;
}

/**
 * Keeps mirror_queue: for each order a batch names, the order's stream is
 * folded and its PENDING mirrorings become its rows. The stream may be read
 * past the batch's checkpoint; the rows are then those of a later state,
 * which the later events' batch writes again.
 */
export function subscribeMirrorQueue({
  db,
  eventStore,
  log,
  onAdvanced,
  pollIntervalMs,
  refusals = noRefusalReporter,
}: MirrorQueueSubscriptionOptions): Subscription {
  return eventStore.subscribe({
    name: MIRROR_REACTOR,
    types: MIRROR_QUEUE_EVENT_TYPES,
    streamPrefix: ORDER_STREAM_PREFIX,
    pollIntervalMs,
    loadCheckpoint: () => loadCheckpoint(db, MIRROR_REACTOR),
    handle: async (events, checkpoint) => {
      const orderIds = [...new Set(events.map((e) => asDomainEvent<OrderEvent>(e).data.orderId))];
      const streams = await eventStore.readStreams(orderIds.map(orderStreamId));
      const rows: MirrorQueueRow[] = [];
      for (const orderId of orderIds) {
        const order = foldEvents(orderDecider, streams.get(orderStreamId(orderId)) ?? []);
        if (order !== null) rows.push(...mirrorQueueRows(order));
      }
      await db.transaction().execute(async (trx) => {
        // A process that just lost the lead may still finish a batch: never
        // let it take the queue back to an older state.
        if (compareCheckpoints(await lockCheckpoint(trx, MIRROR_REACTOR), checkpoint) >= 0) return;
        await applyMirrorQueueRows(trx, orderIds, rows);
        await storeCheckpoint(trx, MIRROR_REACTOR, checkpoint);
      });
      onAdvanced(checkpoint);
    },
    onError: (error) => {
      if (!refusals.refused(error))
        log.warn(
          { err: error },
          'the mirroring queue subscription failed; it starts again from its checkpoint',
        );
    },
  });
}
