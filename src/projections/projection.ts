import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { RecordedEvent } from '../eventstore/types';

/**
 * Per-rebuild memory of rows already read or written, so a rebuild does not
 * read back what it just wrote. Live runners pass none: another process, or
 * a replay, may change the rows between two batches.
 */
export type ProjectionMemory = Map<string, unknown>;

/** A read model: the events it handles and the rows it writes. */
export interface Projection {
  /** Its name in the CLI, the `projections` query and /metrics. */
  name: string;
  /** The tables it owns; a replay rebuilds exactly these. */
  tables: readonly string[];
  /** The event types it reads; the rest of the log is skipped. */
  eventTypes: readonly string[];
  /**
   * Applies a batch, in global order, inside the caller's transaction, to the
   * tables in `schema`. Events a row already reflects (stream version at or
   * below the row's) are ignored.
   */
  apply(
    db: Kysely<Database>,
    schema: string,
    events: readonly RecordedEvent[],
    memory?: ProjectionMemory,
  ): Promise<void>;
}

/** The stored checkpoint of a projection's live tables. */
export const projectionCheckpointName = (projection: string): string => `projection:${projection}`;

/** Past this many remembered rows a rebuild starts its memory afresh. */
export const MAX_MEMORY_ROWS = 500_000;

export function remember(memory: ProjectionMemory | undefined, key: string, value: unknown): void {
  if (!memory) return;
  if (memory.size >= MAX_MEMORY_ROWS) memory.clear();
  memory.set(key, value);
}
