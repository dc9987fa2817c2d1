import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Histogram, type Registry } from 'prom-client';
import { type ReadModelsReading, type ReadNeed, seesUpTo } from './readModelsReading';

/**
 * The request header by which a caller chooses how fresh its reads must be:
 * `committed` (the default) waits until the read models hold every write
 * committed before the request arrived; `eventual` answers from the read
 * models as they are, for dashboards that poll.
 */
export const READ_CONSISTENCY_HEADER = 'read-consistency';
export type ReadConsistency = 'committed' | 'eventual';

/** The header's value, or an error message for a value it cannot be. */
export function readConsistencyOf(header: string | string[] | undefined): ReadConsistency | Error {
  if (header === undefined) return 'committed';
  const value = (Array.isArray(header) ? header.join(',') : header).trim().toLowerCase();
  if (value === 'committed' || value === 'eventual') return value;
  return new Error(
    `the ${READ_CONSISTENCY_HEADER} header must be "committed" or "eventual", got ${JSON.stringify(header).slice(0, 80)}`,
  );
}

/** What a query may run with once the wait is over. */
export interface ReadGate {
  /** The read models' version the query runs at: the response cache's key. */
  version: string;
  /** The wait ran out before the read models caught up: the answer says so. */
  behind: boolean;
}

export interface ConsistentReadsOptions {
  /** Where the log and read models stand now; shared among concurrent callers, always begun after the call. */
  read: () => Promise<ReadModelsReading>;
  /** Calls the listener whenever a projection has committed a batch, in any process; returns the unsubscribe. */
  onReadModelsMoved: (listener: () => void) => () => void;
  /**
   * Wakes the projections, in this process and the others (a NOTIFY on the
   * event log's channel), when a query finds them behind: a writer whose
   * wake-up was lost, or that sends none, then costs the query a moment, not
   * the projections' slow poll.
   */
  wakeProjections?: () => void;
  /** How long a query waits at most for the read models (READ_CONSISTENCY_WAIT_MS). */
  waitMs: number;
  /** How often to look again when no wake-up comes (a lost NOTIFY, a broken LISTEN connection). */
  pollMs?: number;
  registry?: Registry;
}

export interface ConsistentReads {
  /**
   * Waits until the read models (or the log, for `need: 'log'`) hold every
   * write committed before the call, at most `waitMs`; then gives the
   * version to run at, and whether the wait ran out.
   */
  await(need: Exclude<ReadNeed, 'none'>): Promise<ReadGate>;
  stop(): void;
}

/**
 * Read-your-writes for every query, in any process. At a query's arrival one
 * small statement reads the log's head with the projections' checkpoints (the
 * same statement gives the response cache its version, shared by concurrent
 * requests); when a projection is behind that head, the query sleeps until a
 * projection announces a batch (NOTIFY at its commit) and looks again. The
 * head is the one read at arrival, so a query never chases writes that came
 * after it. Past the bound the query runs on what is there and says so.
 */
export function createConsistentReads({
  read,
  onReadModelsMoved,
  wakeProjections,
  waitMs,
  pollMs = 50,
  registry,
}: ConsistentReadsOptions): ConsistentReads {
  const registers = registry ? [registry] : [];
  const waited = new Histogram({
    name: 'fbt_sync_graphql_read_wait_seconds',
    help: 'How long queries waited for the read models to hold the writes committed before they arrived.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const behind = new Counter({
    name: 'fbt_sync_graphql_reads_behind_total',
    help: 'Queries answered from read models still behind the writes committed before they arrived (the wait ran out).',
    registers,
  });

  /** Counts announcements, so a wake-up between a reading and the sleep is never missed. */
  let moves = 0;
  const sleepers = new Set<() => void>();
  const unsubscribe = onReadModelsMoved(() => {
    moves++;
    for (const wake of [...sleepers]) wake();
  });
  const nextMove = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  return {
    async await(need) {
      const started = performance.now();
      let seen = moves;
      let reading = await read();
      const head = reading.head;
      if (!seesUpTo(reading, head, need)) wakeProjections?.();
      while (!seesUpTo(reading, head, need)) {
        const left = started + waitMs - performance.now();
        if (left <= 0) {
          behind.inc();
          waited.observe((performance.now() - started) / 1000);
          return { version: reading.version, behind: true };
        }
        if (moves === seen) await nextMove(Math.min(left, pollMs));
        seen = moves;
        reading = await read();
      }
      waited.observe((performance.now() - started) / 1000);
      return { version: reading.version, behind: false };
    },
    stop() {
      unsubscribe();
      for (const wake of [...sleepers]) wake();
    },
  };
}

/** Says in the answer's extensions that the read models had not caught up (`readModelsBehind: true`). */
export function readModelsBehindPlugin(): ApolloServerPlugin<{ readModelsBehind?: boolean }> {
  return {
    requestDidStart: ({ contextValue }) =>
      Promise.resolve(
        contextValue.readModelsBehind === true
          ? {
              willSendResponse: ({ response }) => {
                if (response.body.kind === 'single') {
                  const result = response.body.singleResult;
                  result.extensions = { ...result.extensions, readModelsBehind: true };
                }
                return Promise.resolve();
              },
            }
          : undefined,
      ),
  };
}
