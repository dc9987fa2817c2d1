import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { ensureCheckpoint, loadCheckpoint, lockCheckpoint } from '../eventstore/checkpoints';
import type { Checkpoint } from '../eventstore/types';
import { projectionCheckpointName } from './projection';
import {
  buildAside,
  catchUp,
  createAsideTables,
  exclusively,
  REBUILD_SCHEMA,
  type RebuildOptions,
  tablesOf,
} from './rebuild';

export interface TableDifference {
  table: string;
  /** Rows of the live table that the rebuild does not have. */
  onlyLive: number;
  /** Rows of the rebuild that the live table does not have. */
  onlyRebuilt: number;
  /** A few of the differing rows, as JSON, for the report. */
  samples: Array<{ side: 'live' | 'rebuilt'; row: unknown }>;
}

/**
 * `fbt-sync verify`: rebuilds aside up to each projection's live checkpoint,
 * then, holding the live checkpoints still, catches up to where they are and
 * compares table by table, row by row. Nothing live is changed.
 */
export async function verifyProjections(options: RebuildOptions): Promise<TableDifference[]> {
  const { db, projections, url } = options;
  return exclusively(url, async () => {
    const live = async (trx: Kysely<Database>, lock: boolean) => {
      const checkpoints = new Map<string, Checkpoint>();
      for (const p of projections) {
        const name = projectionCheckpointName(p.name);
        await ensureCheckpoint(trx, name);
        checkpoints.set(
          p.name,
          lock ? await lockCheckpoint(trx, name) : await loadCheckpoint(trx, name),
        );
      }
      return checkpoints;
    };
    await createAsideTables(db, projections);
    const targets = await buildAside(options, await live(db, false));
    const differences: TableDifference[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        const now = await live(trx, true);
        for (const target of targets) target.until = now.get(target.projection.name);
        await catchUp(options, trx, targets);
        for (const table of tablesOf(projections)) differences.push(await compareTable(trx, table));
      });
    } finally {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(REBUILD_SCHEMA)} CASCADE`.execute(db);
    }
    return differences.filter((d) => d.onlyLive > 0 || d.onlyRebuilt > 0);
  });
}

async function compareTable(db: Kysely<Database>, table: string): Promise<TableDifference> {
  // Rows compared as jsonb: json columns have no equality operator, and jsonb
  // compares documents by content (key order and spacing aside).
  const rowsOf = (schema: string) =>
    sql`SELECT to_jsonb(t) AS row FROM ${sql.table(`${schema}.${table}`)} t`;
  const onlyIn = (a: string, b: string) => sql`${rowsOf(a)} EXCEPT ALL ${rowsOf(b)}`;
  const counts = await sql<{ only_live: number; only_rebuilt: number }>`
    SELECT (SELECT count(*)::int FROM (${onlyIn('public', REBUILD_SCHEMA)}) d) AS only_live,
           (SELECT count(*)::int FROM (${onlyIn(REBUILD_SCHEMA, 'public')}) d) AS only_rebuilt`.execute(
    db,
  );
  const { only_live: onlyLive, only_rebuilt: onlyRebuilt } = counts.rows[0]!;
  const samples =
    onlyLive + onlyRebuilt === 0
      ? []
      : (
          await sql<{ side: 'live' | 'rebuilt'; row: unknown }>`
            (SELECT 'live' AS side, d.row FROM (${onlyIn('public', REBUILD_SCHEMA)}) d LIMIT 5)
            UNION ALL
            (SELECT 'rebuilt' AS side, d.row FROM (${onlyIn(REBUILD_SCHEMA, 'public')}) d LIMIT 5)`.execute(
            db,
          )
        ).rows;
  return { table, onlyLive, onlyRebuilt, samples };
}
