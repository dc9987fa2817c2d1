import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../db/schema';
import { appendRunner, appendToStream } from './appendToStream';
import { eventQueryRunner, noUpcast, type Upcast } from './eventRow';
import { checkpointAtPosition, countAfter, headCheckpoint, readAll } from './readAll';
import { readStream, readStreams } from './readStream';
import { subscribe, type Subscription, type SubscriptionOptions } from './subscribe';
import type {
  AppendResult,
  Checkpoint,
  EventData,
  ExpectedVersion,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  ReadStreamResult,
  RecordedEvent,
} from './types';
import type { Wakeups } from './wakeups';

/** The event log, as the rest of the code sees it. */
export interface EventStore {
  appendToStream(
    streamId: string,
    events: EventData[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  /** Whole streams, each in version order, in one statement. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  /** The checkpoint just after the event at a global position; null when there is none. */
  checkpointAtPosition(position: string): Promise<Checkpoint | null>;
  /** The checkpoint of the last visible event. */
  headCheckpoint(): Promise<Checkpoint>;
  /** How many visible events lie after a checkpoint. */
  countAfter(checkpoint: Checkpoint): Promise<number>;
  subscribe(options: SubscriptionOptions): Subscription;
}

export interface EventStoreOptions {
  db: Kysely<Database>;
  /**
   * The pool behind db: with it, reads take rows as arrays (see eventQueryRunner)
   * and appends run as prepared statements (see appendRunner), which is cheaper.
   */
  pool?: pg.Pool;
  /** Wake-ups after commits; without them subscriptions only poll. */
  wakeups?: Wakeups;
  /** Brings stored events of older schema versions to the current shape. */
  upcast?: Upcast;
  /** The schemaVersion stamped on appended events that do not carry one. */
  schemaVersionOf?: (type: string) => number;
}

export function createEventStore({
  db,
  pool,
  wakeups,
  upcast = noUpcast,
  schemaVersionOf = () => 1,
}: EventStoreOptions): EventStore {
  const run = eventQueryRunner(db, pool);
  const runAppend = appendRunner(db, pool);
  const store: EventStore = {
    async appendToStream(streamId, events, { expectedVersion }) {
      const result = await appendToStream(
        db,
        runAppend,
        streamId,
        events,
        expectedVersion,
        schemaVersionOf,
      );
      wakeups?.committed();
      return result;
    },
    readStream: (streamId, options) => readStream(db, run, upcast, streamId, options),
    readStreams: (streamIds) => readStreams(run, upcast, streamIds),
    readAll: (options) => readAll(run, upcast, options),
    checkpointAtPosition: (position) => checkpointAtPosition(db, position),
    headCheckpoint: () => headCheckpoint(db),
    countAfter: (checkpoint) => countAfter(db, checkpoint),
    subscribe: (options) =>
      subscribe(
        { readAll: (o) => store.readAll(o), onWake: (l) => wakeups?.onWake(l) ?? (() => {}) },
        options,
      ),
  };
  return store;
}
