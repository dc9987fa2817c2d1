import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadCheckpoint, storeCheckpoint } from '../../src/eventstore/checkpoints';
import { createEventStore, type EventStore } from '../../src/eventstore/createEventStore';
import type { RecordedEvent } from '../../src/eventstore/types';
import { createWakeups, type Wakeups } from '../../src/eventstore/wakeups';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { lastCommittedCheckpoint } from '../support/logSupport';

let database: TestDatabase;
let wakeups: Wakeups;
let store: EventStore;

beforeAll(async () => {
  database = await createTestDatabase();
  wakeups = createWakeups({ url: database.url });
  store = createEventStore({ db: database.db, wakeups });
});
afterAll(async () => {
  await wakeups.close();
  await database.drop();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A consumer that stores its checkpoint after each batch, as a projection does in its transaction. */
function consumer(
  name: string,
  es: EventStore,
  options: { pollIntervalMs?: number; failOnce?: boolean; types?: string[] } = {},
) {
  const received: RecordedEvent[] = [];
  let failed = false;
  const subscription = es.subscribe({
    name,
    types: options.types,
    batchSize: 7,
    pollIntervalMs: options.pollIntervalMs ?? 60_000,
    loadCheckpoint: () => loadCheckpoint(database.db, name),
    handle: async (events, checkpoint) => {
      if (options.failOnce && !failed && events.length > 0) {
        failed = true;
        throw new Error('the handler failed before storing anything');
      }
      received.push(...events);
      await storeCheckpoint(database.db, name, checkpoint);
    },
  });
  return { received, subscription };
}

const append = (es: EventStore, stream: string, n: number, type = 'Tick') =>
  es.appendToStream(
    stream,
    Array.from({ length: n }, (_, i) => ({ type, data: { i } })),
    { expectedVersion: 'any' },
  );

describe('catch-up subscriptions', () => {
  it('delivers every event once, in order, and resumes from its stored checkpoint after a restart', async () => {
    await append(store, 'sub-a', 20);
    const first = consumer('resume', store);
    await until(() => first.received.length === 20, '20 events');
    await first.subscription.stop();

    await append(store, 'sub-a', 5);
    await append(store, 'sub-b', 5);
    const second = consumer('resume', store);
    await until(() => second.received.length === 10, '10 more events');
    await second.subscription.settled();
    expect(second.received.map((e) => `${e.streamId}@${e.streamVersion}`)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `sub-a@${20 + i}`),
      ...Array.from({ length: 5 }, (_, i) => `sub-b@${i}`),
    ]);
    expect(first.received.map((e) => e.streamVersion)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    await second.subscription.stop();
    expect(await loadCheckpoint(database.db, 'resume')).toBe(second.received[9]!.checkpoint);
  });

  it('wakes on a NOTIFY from another process without polling', async () => {
    // The reader polls once a minute: only the wake-up can bring these events in time.
    const { received, subscription } = consumer('notified', store, { pollIntervalMs: 600_000 });
    await subscription.settled();
    const already = received.length;

    const otherWakeups = createWakeups({ url: database.url });
    const otherProcess = createEventStore({ db: database.db, wakeups: otherWakeups });
    try {
      await append(otherProcess, 'from-elsewhere', 3);
      await until(() => received.length === already + 3, 'the notified events');
      expect(received.slice(-3).map((e) => e.streamId)).toEqual([
        'from-elsewhere',
        'from-elsewhere',
        'from-elsewhere',
      ]);
    } finally {
      await subscription.stop();
      await otherWakeups.close();
    }
  });

  it('retries a failed batch from the stored checkpoint: nothing lost, nothing twice', async () => {
    await append(store, 'sub-fail', 12);
    const { received, subscription } = consumer('fails-once', store, {
      pollIntervalMs: 50,
      failOnce: true,
    });
    await until(
      () => received.some((e) => e.streamId === 'sub-fail' && e.streamVersion === 11),
      'the last event',
    );
    await subscription.stop();
    const keys = received.map((e) => e.globalPosition);
    expect(new Set(keys).size).toBe(keys.length);
    expect(received.filter((e) => e.streamId === 'sub-fail')).toHaveLength(12);
  });

  it('hands over only the types asked for and still moves its checkpoint past the rest', async () => {
    await append(store, 'sub-typed', 10, 'Other');
    await append(store, 'sub-typed', 2, 'Wanted');
    const { received, subscription } = consumer('typed', store, {
      types: ['Wanted'],
      pollIntervalMs: 50,
    });
    await until(
      () => received.filter((e) => e.streamId === 'sub-typed').length === 2,
      'the wanted events',
    );
    // Its checkpoint reaches the last event of the log, which is not one it wanted.
    const last = await lastCommittedCheckpoint(database.db);
    while ((await loadCheckpoint(database.db, 'typed')) !== last)
      await new Promise((r) => setTimeout(r, 10));
    await subscription.stop();
    expect(received.every((e) => e.type === 'Wanted')).toBe(true);
  });
});

describe('wake-ups', () => {
  it('open one LISTEN connection however many subscriptions start at once, and close it', async () => {
    const listening = async () =>
      Number(
        (
          await database.pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN fbt_events'`,
          )
        ).rows[0]!.n,
      );
    const before = await listening();
    const own = createWakeups({ url: database.url });
    const stops = Array.from({ length: 5 }, () => own.onWake(() => {}));
    while ((await listening()) === before) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    expect((await listening()) - before).toBe(1);
    stops.forEach((stop) => stop());
    await own.close();
    while ((await listening()) !== before) await new Promise((r) => setTimeout(r, 10));
    expect(await listening()).toBe(before);
  });

  it('close() right after a commit or a subscription leaves none of their connections open', async () => {
    // The connections of one Wakeups, by the application_name in its URL.
    const name = `wakeups-close-${Date.now()}`;
    const url = new URL(database.url);
    url.searchParams.set('application_name', name);
    const open = async () =>
      Number(
        (
          await database.pool.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
            [name],
          )
        ).rows[0]!.n,
      );
    for (let round = 0; round < 5; round++) {
      const own = createWakeups({ url: url.toString() });
      // Both connections are being opened when close() comes: the NOTIFY one and the LISTEN one.
      own.committed();
      own.onWake(() => {});
      await own.close();
      expect(await open()).toBe(0);
    }
  });
});
