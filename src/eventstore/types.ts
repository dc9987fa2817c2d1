/**
 * The event store's vocabulary. The rest of the code speaks to the log only
 * through the EventStore interface in createEventStore.ts.
 */

/** Who and why: carried by every event. schemaVersion is filled in when absent. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: string;
  schemaVersion?: number;
  [key: string]: unknown;
}

/** An event to append: a fact in the past tense. */
export interface EventData<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

/**
 * Where a reader of the global log stands: the (transaction id, position)
 * pair of the last event it has read. Opaque to callers: compare and store
 * it only as the string it is.
 */
export type Checkpoint = string & { readonly __brand: 'Checkpoint' };

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: EventMetadata & { schemaVersion: number };
  streamId: string;
  /** 0-based position of the event in its stream. */
  streamVersion: number;
  /** Position in the global log, a decimal string (64-bit). Unique, not dense. */
  globalPosition: string;
  /** Resume reading the global log after this event. */
  checkpoint: Checkpoint;
  recordedAt: Date;
}

/**
 * What the writer believes about the stream: its exact version (the version
 * of its last event, 0-based), that it has no event yet, that it has one, or
 * nothing at all.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendResult {
  /** The stream's version after the append: pass it as the next expectedVersion. */
  nextExpectedVersion: number;
  /** Global positions of the appended events, in order. */
  positions: string[];
  /** The checkpoint of the last appended event. */
  checkpoint: Checkpoint;
}

export interface ReadStreamOptions {
  /** First stream version to read (default 0). */
  fromVersion?: number;
  /** At most this many events (default all). */
  maxCount?: number;
}

export interface ReadStreamResult {
  events: RecordedEvent[];
  /** The stream's version (-1 when it has no events), whatever part was read. */
  currentVersion: number;
}

export interface ReadAllOptions {
  /** Read after this checkpoint (default: from the start). */
  after?: Checkpoint;
  /** Scan at most this many events of the log (default 1000, at most 10,000). */
  limit?: number;
  /** Only events of these types. */
  types?: readonly string[];
  /** Only events of streams whose id starts with this. */
  streamPrefix?: string;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /**
   * Where to read on: after the last event scanned, matching the filters or
   * not, so a filtered reader does not scan the same events twice.
   */
  checkpoint: Checkpoint;
  /** More events are visible after checkpoint now. */
  hasMore: boolean;
}
