import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { readModelsReading } from '../consistency/readModelsReading';

/**
 * Where the live read models stand, as one string that changes whenever any
 * of them changes. Every write to a projection's live tables stores its
 * checkpoint row in the same transaction (a batch, a replay's swap), and each
 * such write gives the row a new xmin, even when the position stays the same.
 * So two equal readings mean the read models have not changed in between.
 */
export async function readModelsVersion(db: Kysely<Database>): Promise<string> {
  return (await readModelsReading(db)).version;
}

/**
 * Shares one reading among concurrent callers without ever answering a caller
 * with a reading that began before it called: a caller joins the next reading
 * to start, which starts when the one in flight (if any) ends. So each answer
 * is at least as new as the moment it was asked for, and one reading runs at
 * a time, however many callers wait.
 */
export function sharedReading<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    next = undefined;
    const reading = read();
    running = reading;
    const done = () => {
      if (running === reading) running = undefined;
    };
    reading.then(done, done);
    return reading;
  };
  return () => {
    if (next !== undefined) return next;
    if (running === undefined) return start();
    next = running.then(start, start);
    return next;
  };
}
