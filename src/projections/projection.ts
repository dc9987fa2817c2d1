import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { RecordedEvent } from '../eventstore/types';
import type { BulkCopy } from './copyRows';

/**
 * A projection's work in progress: the rows it is folding events into, held
 * in memory between writes. A live runner folds one batch and writes it in
 * the same transaction; a rebuild folds many batches and writes every so
 * often, so a row that changes ten times is written once or twice, not ten
 * times.
 */
export interface ProjectionWork {
  /**
   * Folds events, in global order, into the rows (reading from `schema` those
   * it does not hold yet). Events a row already reflects (stream version at or
   * below the row's) are ignored.
   */
  fold(db: Kysely<Database>, schema: string, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Takes every change since the last call, at once, and returns what writes
   * them (in the caller's transaction). Folding may go on while they are
   * written: the rows stay held in memory.
   */
  takeChanges(): WriteChanges;
  /** How many rows it holds in memory. */
  readonly held: number;
  /** Lets go of the rows held (all written): they are read again when needed. */
  forget(): void;
}

/**
 * Writes a projection's changes in the caller's transaction; with `copy`
 * (a rebuild's writer), bulk rows go through COPY on that transaction's
 * connection.
 */
export type WriteChanges = (db: Kysely<Database>, schema: string, copy?: BulkCopy) => Promise<void>;

export interface StartOptions {
  /**
   * The tables hold no rows yet and only this work will write them (a
   * rebuild from the start of the log): a row it does not hold does not
   * exist, so there is nothing to look up before folding.
   */
  tablesEmpty?: boolean;
}

/** A read model: the events it handles and the rows it writes. */
export interface Projection {
  /** Its name in the CLI, the `projections` query and /metrics. */
  name: string;
  /** The tables it owns; a replay rebuilds exactly these. */
  tables: readonly string[];
  /** The event types it reads; the rest of the log is skipped. */
  eventTypes: readonly string[];
  /** Fresh work: nothing held in memory. */
  start(options?: StartOptions): ProjectionWork;
}

/** Folds one batch and writes it: what a live runner does in each transaction. */
export async function applyBatch(
  projection: Projection,
  db: Kysely<Database>,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const work = projection.start();
  await work.fold(db, schema, events);
  await work.takeChanges()(db, schema);
}

/** The stored checkpoint of a projection's live tables. */
export const projectionCheckpointName = (projection: string): string => `projection:${projection}`;
