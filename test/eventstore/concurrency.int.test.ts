import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { START } from '../../src/eventstore/checkpoint';
import { createEventStore, type EventStore } from '../../src/eventstore/createEventStore';
import { WrongExpectedVersion } from '../../src/eventstore/errors';
import type { Checkpoint } from '../../src/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { lastCommittedCheckpoint } from '../support/logSupport';

/** Concurrent writers in the races, each on a connection of its own (the test connection budget: test/support/database.ts). */
const WRITERS = 20;

let database: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  // A connection for every writer of the races below: they race in the database, not in the pool.
  database = await createTestDatabase(WRITERS);
  store = createEventStore({ db: database.db });
});
afterAll(() => database.drop());

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  return client;
}

/** A writer outside the event store, holding its transaction open as long as the test wants. */
async function openTransaction() {
  const client = await connect();
  await client.query('BEGIN');
  return {
    /** Takes the transaction's xid now, before it writes anything. */
    takeXid: async () =>
      (await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]!
        .xid,
    insert: async (streamId: string) => {
      const r = await client.query<{ position: string }>(
        `INSERT INTO events (stream_id, stream_version, type, data, metadata)
         VALUES ($1, 0, 'Slow', '{}', '{"schemaVersion":1}') RETURNING global_position::text AS position`,
        [streamId],
      );
      return r.rows[0]!.position;
    },
    commit: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

async function readEverything(after: Checkpoint) {
  const page = await store.readAll({ after, limit: 10_000 });
  return { ids: page.events.map((e) => e.streamId), checkpoint: page.checkpoint };
}

/**
 * Reads until `count` events have come. The horizon is cluster-wide: a short
 * write transaction of a test running beside this one may hold it back for a
 * moment, so "committed" does not mean "visible this very instant".
 */
async function readUntil(after: Checkpoint, count: number) {
  const ids: string[] = [];
  const deadline = Date.now() + 10_000;
  while (ids.length < count && Date.now() < deadline) {
    const page = await readEverything(after);
    ids.push(...page.ids);
    after = page.checkpoint;
    if (ids.length < count) await new Promise((r) => setTimeout(r, 10));
  }
  return { ids, checkpoint: after };
}

describe.each([
  ['through kysely', false],
  ['through the pool, as prepared statements', true],
])('many writers on one stream, %s', (_path, viaPool) => {
  const writer = () =>
    viaPool ? createEventStore({ db: database.db, pool: database.pool }) : store;
  const hot = viaPool ? 'hot-prepared' : 'hot';

  it('lets exactly one writer win each version; the others get WrongExpectedVersion', async () => {
    await writer().appendToStream(hot, [{ type: 'Created', data: {} }], {
      expectedVersion: 'no_stream',
    });
    for (let version = 0; version < 5; version++) {
      const writers = Array.from({ length: WRITERS }, (_, w) =>
        writer().appendToStream(hot, [{ type: 'Written', data: { w, version } }], {
          expectedVersion: version,
        }),
      );
      const results = await Promise.allSettled(writers);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(WRITERS - 1);
      for (const r of lost) {
        expect(r.reason).toBeInstanceOf(WrongExpectedVersion);
        expect((r.reason as WrongExpectedVersion).actualVersion).toBe(version + 1);
      }
    }
    const { events } = await writer().readStream(hot);
    expect(events.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("appends every writer's event with expectedVersion any, with no hole or duplicate version", async () => {
    await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        writer().appendToStream(
          `${hot}-any`,
          [
            { type: 'A', data: { w } },
            { type: 'B', data: { w } },
          ],
          { expectedVersion: 'any' },
        ),
      ),
    );
    const { events } = await writer().readStream(`${hot}-any`);
    expect(events.map((e) => e.streamVersion)).toEqual(
      Array.from({ length: 2 * WRITERS }, (_, i) => i),
    );
    // Each writer's two events stay together.
    for (let i = 0; i < 2 * WRITERS; i += 2) expect(events[i]!.data).toEqual(events[i + 1]!.data);
  });
});

describe('the gap-safe global order', () => {
  it('holds readers back while a writing transaction is open, then hands over both in order', async () => {
    const start = await lastCommittedCheckpoint(database.db);
    const slow = await openTransaction();
    await slow.insert('gap-slow-1');
    await store.appendToStream('gap-fast-1', [{ type: 'Fast', data: {} }], {
      expectedVersion: 'no_stream',
    });

    // The fast event is committed, but a reader must not pass the open transaction's event.
    expect((await readEverything(start)).ids).toEqual([]);

    await slow.commit();
    expect((await readUntil(start, 2)).ids).toEqual(['gap-slow-1', 'gap-fast-1']);
  });

  it('does not skip a transaction that took its xid first but commits last', async () => {
    const start = await lastCommittedCheckpoint(database.db);
    const first = await openTransaction();
    const second = await openTransaction();
    const firstXid = await first.takeXid();
    const secondXid = await second.takeXid();
    expect(BigInt(secondXid)).toBeGreaterThan(BigInt(firstXid));

    // The later transaction writes first (lower position) and commits last;
    // the earlier one writes a higher position and commits first.
    const lowPosition = await second.insert('gap-late-commit');
    const highPosition = await first.insert('gap-early-commit');
    expect(BigInt(lowPosition)).toBeLessThan(BigInt(highPosition));
    await first.commit();

    const seen = await readUntil(start, 1);
    expect(seen.ids).toEqual(['gap-early-commit']);
    // A position-only cursor would now stand at highPosition and never return to lowPosition.

    await second.commit();
    const rest = await readUntil(seen.checkpoint, 1);
    expect(rest.ids).toEqual(['gap-late-commit']);
  });

  it('gives a concurrent reader every event exactly once under many interleaved writers', async () => {
    const start = await lastCommittedCheckpoint(database.db);
    const written = new Set<string>();
    let writing = true;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 60; i++) {
        const id = `mix-${w}-${i}`;
        await store.appendToStream(id, [{ type: 'E', data: {} }], { expectedVersion: 'no_stream' });
        written.add(id);
      }
    });
    const seen: string[] = [];
    let after: Checkpoint = start;
    const reader = (async () => {
      while (writing) {
        const page = await store.readAll({ after, limit: 17 });
        seen.push(...page.events.map((e) => e.streamId));
        after = page.checkpoint;
      }
    })();
    await Promise.all(writers);
    writing = false;
    await reader;
    seen.push(...(await readUntil(after, 480 - seen.length)).ids);
    expect(seen).toHaveLength(480);
    expect(new Set(seen)).toEqual(written);
  });

  it('starts from the beginning at START', async () => {
    const page = await store.readAll({ after: START, limit: 1 });
    expect(page.events[0]!.streamId).toBe('hot');
  });
});
