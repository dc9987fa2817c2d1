import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { electLeader, type LeaderElection } from '../../src/db/leaderElection';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(2);
});
afterAll(() => database.drop());

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A job that counts how many processes run it at once. */
function contender(
  name: string,
  running: { now: number; most: number; runs: string[] },
  id: string,
): LeaderElection {
  return electLeader({
    url: database.url,
    name,
    retryMs: 50,
    lead: async (lost) => {
      running.now++;
      running.most = Math.max(running.most, running.now);
      running.runs.push(id);
      await new Promise<void>((resolve) =>
        lost.addEventListener('abort', () => resolve(), { once: true }),
      );
      running.now--;
    },
  });
}

it('lets one process lead, and another take over when the leader stops or loses its connection', async () => {
  const running = { now: 0, most: 0, runs: [] as string[] };
  const a = contender('job', running, 'a');
  const b = contender('job', running, 'b');
  const c = contender('other-job', { now: 0, most: 0, runs: [] }, 'c');
  await until(() => running.now === 1 && c.isLeader, 'a leader for each job');
  await new Promise((r) => setTimeout(r, 200));
  expect(running.most).toBe(1);
  expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);

  // The leader stops: the standby takes over.
  const [first, second] = a.isLeader ? [a, b] : [b, a];
  await first.stop();
  await until(() => second.isLeader, 'the standby to take over');

  // The new leader's connection is killed (as when its process dies): the lock is released and it stops leading.
  await sql`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(
    database.db,
  );
  await until(
    () => running.runs.length >= 3,
    'leadership to be won again after the connection died',
  );
  expect(running.most).toBe(1);
  await second.stop();
  await c.stop();
  expect(running.now).toBe(0);
});
