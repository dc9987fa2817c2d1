import pg from 'pg';
import { advisoryKeys } from '../../db/leaderElection';

/** The lock one store's reconciliation runs under, held until released or its connection ends. */
export interface ReconcileLock {
  /** Aborts when the lock's connection breaks: another process may take the lock. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * One reconciliation of a store at a time, across every process: a
 * session-level advisory lock (pg_try_advisory_lock) on a connection of its
 * own, not a transaction-level one. A run lasts as long as TikTok's paging
 * and backoff take (minutes on a large store); a transaction held open that
 * long would hold back every reader of the event log, which reads below the
 * oldest running transaction. A session lock is no transaction, and a dead
 * process's connection closes, which releases it. Null: another holds it.
 */
export async function tryReconcileLock(
  url: string,
  storeId: string,
): Promise<ReconcileLock | null> {
  const [k1, k2] = advisoryKeys(`tiktok-reconcile:${storeId}`);
  const client = new pg.Client({ connectionString: url, keepAlive: true });
  const lost = new AbortController();
  client.on('error', (error) => lost.abort(error));
  client.on('end', () => lost.abort(new Error('the reconcile lock connection closed')));
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    // Ending the session releases the lock.
    await client.end().catch(() => {});
  };
  try {
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS locked',
      [k1, k2],
    );
    if (rows[0]?.locked !== true) {
      await end();
      return null;
    }
  } catch (error) {
    await end();
    throw error;
  }
  return { lost: lost.signal, release: end };
}
