import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * One process at a time does a job (a projection, the sync reactor), across
 * every process on the database. The leader holds a session-level PostgreSQL
 * advisory lock on a connection of its own: when the process dies, its
 * connection closes and PostgreSQL releases the lock, and a standby, which
 * tries again every `retryMs`, takes over within seconds. When the leader's
 * connection breaks, its job is told to stop at once (the AbortSignal), since
 * another process may take the lock.
 */
export interface LeaderElection {
  readonly isLeader: boolean;
  /** Stops leading (or waiting to lead) and waits for the job to finish. */
  stop(): Promise<void>;
}

export interface LeaderElectionOptions {
  url: string;
  /** The job's name; processes with the same name exclude each other. */
  name: string;
  /** Runs while this process leads; must resolve soon after `lost` aborts. */
  lead: (lost: AbortSignal) => Promise<void>;
  retryMs?: number;
  onError?: (error: Error) => void;
  onElected?: () => void;
}

/** Two 32-bit keys from the job's name (pg_try_advisory_lock(int, int)). */
export function advisoryKeys(name: string): [number, number] {
  const digest = createHash('sha256').update(`fbt-sync:${name}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

export function electLeader({
  url,
  name,
  lead,
  retryMs = 1000,
  onError,
  onElected,
}: LeaderElectionOptions): LeaderElection {
  const [k1, k2] = advisoryKeys(name);
  let stopped = false;
  let leader = false;
  let wake: (() => void) | undefined;
  let current: AbortController | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = async () => {
    while (!stopped) {
      const client = new pg.Client({ connectionString: url, keepAlive: true });
      const lost = new AbortController();
      current = lost;
      client.on('error', (error) => {
        onError?.(error);
        lost.abort(error);
      });
      client.on('end', () => lost.abort(new Error('the leader connection closed')));
      try {
        await client.connect();
        while (!stopped && !lost.signal.aborted) {
          const { rows } = await client.query<{ locked: boolean }>(
            'SELECT pg_try_advisory_lock($1, $2) AS locked',
            [k1, k2],
          );
          if (rows[0]?.locked) break;
          await pause(retryMs);
        }
        if (!stopped && !lost.signal.aborted) {
          leader = true;
          onElected?.();
          await lead(lost.signal);
        }
      } catch (error) {
        onError?.(error as Error);
      } finally {
        leader = false;
        lost.abort();
        // Ending the session releases the lock.
        await client.end().catch(() => {});
      }
      if (!stopped) await pause(retryMs);
    }
  };
  const running = loop();

  return {
    get isLeader() {
      return leader;
    },
    async stop() {
      stopped = true;
      current?.abort();
      wake?.();
      await running;
    },
  };
}

/** Resolves once the signal aborts (at once if it already has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
