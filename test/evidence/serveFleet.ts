import { type Kysely, sql } from 'kysely';
import { advisoryKeys } from '../../src/db/leaderElection';
import type { Database } from '../../src/db/schema';
import { SYNC_REACTOR } from '../../src/sync/subscribeSyncQueue';
import { type ServeProcess, startServe } from '../support/cli';

/**
 * `serve` processes a test runs, each named in PostgreSQL by its
 * application_name (PGAPPNAME, which node-postgres reads), so that the test
 * can tell from pg_stat_activity and pg_locks which process holds which
 * connections and which one leads the sync reactor.
 */
export interface NamedServe extends ServeProcess {
  name: string;
}

export async function startNamedServe(name: string, env: NodeJS.ProcessEnv): Promise<NamedServe> {
  const serve = await startServe({ ...env, PGAPPNAME: name });
  return Object.assign(serve, { name });
}

/** The application_name of the process that holds the sync reactor's advisory lock, if any. */
export async function syncLeader(db: Kysely<Database>, database: string): Promise<string | null> {
  const [k1, k2] = advisoryKeys(SYNC_REACTOR);
  // pg_try_advisory_lock(int, int) shows as classid = key1, objid = key2, objsubid = 2 (oids: unsigned).
  const { rows } = await sql<{ application_name: string }>`
    SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.classid = ${String(k1 >>> 0)}::oid AND l.objid = ${String(k2 >>> 0)}::oid
      AND a.datname = ${database}`.execute(db);
  return rows[0]?.application_name ?? null;
}

/** Connections to the database per application_name. */
export async function connectionsByProcess(
  db: Kysely<Database>,
  database: string,
): Promise<Map<string, number>> {
  const { rows } = await sql<{ application_name: string; n: number }>`
    SELECT application_name, count(*)::int AS n FROM pg_stat_activity
    WHERE datname = ${database} GROUP BY application_name`.execute(db);
  return new Map(rows.map((r) => [r.application_name, r.n]));
}

/** Orders whose last sync event is OrderSyncStarted: attempts begun and not ended. */
export async function attemptsInFlight(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT DISTINCT ON (stream_id) type FROM events
      WHERE type IN ('OrderSyncStarted', 'OrderSynced', 'OrderSyncFailed')
      ORDER BY stream_id, stream_version DESC
    ) last WHERE type = 'OrderSyncStarted'`.execute(db);
  return rows[0]!.n;
}
