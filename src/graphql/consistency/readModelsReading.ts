import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { allProjections } from '../../projections/allProjections';
import { projectionCheckpointName } from '../../projections/projection';

/** A place in the log's commit order: (transaction id, global position). */
export interface LogPlace {
  transactionId: bigint;
  globalPosition: bigint;
}

/** Where the log and the read models stand, read in one statement. */
export interface ReadModelsReading {
  /**
   * One string that changes whenever any read model changes: each
   * projection's checkpoint row with its xmin. Every write to a live read
   * model (a batch, a replay's swap) rewrites that row in the same
   * transaction, which gives it a new xmin even at the same position.
   */
  version: string;
  /** The last event committed when the statement began, visible to readers or not; null for an empty log. */
  head: LogPlace | null;
  /** The checkpoint of the projection furthest behind; null while one has no checkpoint yet. */
  slowest: LogPlace | null;
  /** The oldest transaction still running in the cluster: readers of the log see everything below it. */
  horizon: bigint;
}

const projectionNames = allProjections.map((p) => projectionCheckpointName(p.name));

function place(text: string | null): LogPlace | null {
  if (text === null) return null;
  const slash = text.indexOf('/');
  return {
    transactionId: BigInt(text.slice(0, slash)),
    globalPosition: BigInt(text.slice(slash + 1)),
  };
}

/** -1, 0 or 1 as a is before, at or after b in the log's commit order. */
export function comparePlaces(a: LogPlace, b: LogPlace): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition === b.globalPosition) return 0;
  return a.globalPosition < b.globalPosition ? -1 : 1;
}

/**
 * One small statement: the read models' version, the log's head and the
 * slowest projection's checkpoint. The head is the last event in the
 * statement's snapshot, so it covers every transaction that committed before
 * the statement began, in this process or any other; the events index
 * (transaction_id, global_position) answers it from its last page.
 */
export async function readModelsReading(db: Kysely<Database>): Promise<ReadModelsReading> {
  const result = await sql<{
    version: string | null;
    head: string | null;
    slowest: string | null;
    horizon: string;
  }>`
    WITH c AS (
      SELECT name, xmin, transaction_id, global_position FROM subscription_checkpoints
      WHERE name = ANY(${projectionNames}::text[]))
    SELECT
      (SELECT string_agg(name || '@' || xmin::text || ':' || global_position::text, ' ' ORDER BY name) FROM c) AS version,
      (SELECT transaction_id::text || '/' || global_position::text FROM events
        ORDER BY transaction_id DESC, global_position DESC LIMIT 1) AS head,
      (SELECT CASE WHEN count(*) = ${projectionNames.length} THEN
        (array_agg(transaction_id::text || '/' || global_position::text ORDER BY transaction_id, global_position))[1]
       END FROM c) AS slowest,
      pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`.execute(db);
  const row = result.rows[0]!;
  return {
    version: row.version ?? '',
    head: place(row.head),
    slowest: place(row.slowest),
    horizon: BigInt(row.horizon),
  };
}

/** What a query must see of the log before it runs. */
export type ReadNeed =
  /** Nothing: a mutation, or a query of live status (projections) or of the schema. */
  | 'none'
  /** The log itself, up to the writes committed before it arrived (events). */
  | 'log'
  /** The read models, caught up with those writes (stores, orders, and what hangs off them). */
  | 'readModels';

/** Whether a reading shows everything committed up to `head` as the need requires. */
export function seesUpTo(
  reading: ReadModelsReading,
  head: LogPlace | null,
  need: ReadNeed,
): boolean {
  if (head === null || need === 'none') return true;
  if (need === 'log') return reading.horizon > head.transactionId;
  // A projection reads only below the horizon, so its checkpoint at or past
  // the head means every event up to the head was both visible and applied.
  return reading.slowest !== null && comparePlaces(reading.slowest, head) >= 0;
}
