import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { compareCheckpoints } from '../../eventstore/checkpoint';
import { loadCheckpoint } from '../../eventstore/checkpoints';
import type { Checkpoint } from '../../eventstore/types';
import { projectionCheckpointName } from '../../projections/projection';
import type { OrderView } from '../../projections/read/orderView';
import { readOrdersByIds } from '../../projections/read/readOrdersByIds';
import { changedOrderIds } from './changedOrderIds';

/** Events scanned per statement while catching up. */
const SCAN_LIMIT = 2000;
const ORDERS_CHECKPOINT = projectionCheckpointName('orders');

export interface OrderChangeFeed {
  /** The store's orders as the orders projection commits changes to them, from now on. */
  subscribe(storeId: string): AsyncIterableIterator<OrderView>;
  close(): void;
}

export interface OrderChangeFeedOptions {
  db: Kysely<Database>;
  /** Calls the listener whenever a projection batch committed (NOTIFY fbt_read_models); returns the unsubscribe. */
  onReadModelsMoved: (listener: () => void) => () => void;
  onError?: (error: unknown) => void;
}

/** One subscriber's undelivered orders: the newest row per order, so a slow client never piles up. */
interface Subscriber {
  storeId: string;
  pending: Map<string, OrderView>;
  wake?: () => void;
  done: boolean;
}

/**
 * Feeds `orderChanged` from the orders projection. One feed per process: when
 * the read models move, it reads which orders had events between the orders
 * projection's previous and current checkpoint (stream ids only, a bounded
 * scan), reads those rows once, and hands each to the subscribers of its
 * store. Nothing runs while nobody subscribes; the first subscriber starts
 * from the projection's checkpoint at that moment.
 */
export function createOrderChangeFeed({
  db,
  onReadModelsMoved,
  onError,
}: OrderChangeFeedOptions): OrderChangeFeed {
  const subscribers = new Set<Subscriber>();
  let seen: Checkpoint | undefined;
  let unlisten: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const catchUp = async (): Promise<void> => {
    const projected = await loadCheckpoint(db, ORDERS_CHECKPOINT);
    if (seen === undefined || compareCheckpoints(projected, seen) < 0) {
      // The first subscriber, or a replay swapped in tables that stand earlier: start from here.
      seen = projected;
      return;
    }
    while (compareCheckpoints(seen, projected) < 0 && subscribers.size > 0) {
      const changed = await changedOrderIds(db, seen, projected, SCAN_LIMIT);
      const storeIds = new Set([...subscribers].map((s) => s.storeId));
      const rows = await readOrdersByIds(db, changed.orderIds);
      for (const id of changed.orderIds) {
        const row = rows.get(id);
        if (row === undefined || !storeIds.has(row.store_id)) continue;
        for (const subscriber of subscribers) {
          if (subscriber.storeId !== row.store_id) continue;
          subscriber.pending.delete(id); // re-inserted last: delivery follows the log's order
          subscriber.pending.set(id, row);
          subscriber.wake?.();
        }
      }
      seen = changed.checkpoint;
    }
  };

  const run = (): void => {
    if (closed || subscribers.size === 0) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await catchUp();
        } catch (error) {
          onError?.(error); // the next wake-up tries again from the same place
        }
      } while (again && !closed);
    })().finally(() => (running = undefined));
  };

  const remove = (subscriber: Subscriber): void => {
    subscriber.done = true;
    subscriber.wake?.();
    subscribers.delete(subscriber);
    if (subscribers.size === 0) {
      unlisten?.();
      unlisten = undefined;
      seen = undefined;
    }
  };

  return {
    subscribe(storeId) {
      const subscriber: Subscriber = { storeId, pending: new Map(), done: closed };
      if (!closed) {
        subscribers.add(subscriber);
        unlisten ??= onReadModelsMoved(run);
        run();
      }
      const iterator: AsyncIterableIterator<OrderView> = {
        async next() {
          while (subscriber.pending.size === 0 && !subscriber.done)
            await new Promise<void>((resolve) => (subscriber.wake = resolve));
          subscriber.wake = undefined;
          const first = subscriber.pending.entries().next();
          if (first.done) return { done: true, value: undefined };
          const [id, row] = first.value;
          subscriber.pending.delete(id);
          return { done: false, value: row };
        },
        return() {
          remove(subscriber);
          return Promise.resolve({ done: true, value: undefined });
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    close() {
      closed = true;
      for (const subscriber of [...subscribers]) remove(subscriber);
    },
  };
}
