import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { START } from '../../src/eventstore/checkpoint';
import { createEventStore, type EventStore } from '../../src/eventstore/createEventStore';
import { EventStoreArgumentError, WrongExpectedVersion } from '../../src/eventstore/errors';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = createEventStore({ db: database.db });
});
afterAll(() => database.drop());

const event = (type: string, n = 0) => ({
  type,
  data: { n },
  metadata: { correlationId: `c-${n}` },
});

async function countEventsIn({ db }: TestDatabase): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(db);
  return result.rows[0]!.n;
}
const countEvents = () => countEventsIn(database);

// Without the pool the statements go through kysely; with it (as the service
// runs) they are named, prepared statements: both must behave the same.
describe.each([
  ['through kysely', false],
  ['through the pool, as prepared statements', true],
])('appendToStream %s', (_path, viaPool) => {
  let database: TestDatabase;
  let store: EventStore;
  const countEvents = () => countEventsIn(database);
  beforeAll(async () => {
    database = await createTestDatabase();
    store = createEventStore({ db: database.db, ...(viaPool ? { pool: database.pool } : {}) });
  });
  afterAll(() => database.drop());

  it('starts a stream at version 0 with no_stream and returns positions', async () => {
    const result = await store.appendToStream('s-new', [event('A', 1), event('B', 2)], {
      expectedVersion: 'no_stream',
    });
    expect(result.nextExpectedVersion).toBe(1);
    expect(result.positions).toHaveLength(2);
    expect(BigInt(result.positions[1]!)).toBeGreaterThan(BigInt(result.positions[0]!));
    const read = await store.readStream('s-new');
    expect(read.currentVersion).toBe(1);
    expect(read.events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
      ['A', 0, { n: 1 }],
      ['B', 1, { n: 2 }],
    ]);
    expect(read.events[0]!.metadata).toEqual({ correlationId: 'c-1', schemaVersion: 1 });
    expect(read.events[0]!.recordedAt).toBeInstanceOf(Date);
  });

  it('appends at an exact expected version and refuses a stale one with the actual version', async () => {
    await store.appendToStream('s-exact', [event('A')], { expectedVersion: 'no_stream' });
    await store.appendToStream('s-exact', [event('B')], { expectedVersion: 0 });
    const stale = store.appendToStream('s-exact', [event('C')], { expectedVersion: 0 });
    await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersion);
    await expect(stale).rejects.toMatchObject({
      streamId: 's-exact',
      expectedVersion: 0,
      actualVersion: 1,
    });
  });

  it('refuses an expected version ahead of the stream without leaving a hole', async () => {
    await store.appendToStream('s-ahead', [event('A')], { expectedVersion: 'no_stream' });
    await expect(
      store.appendToStream('s-ahead', [event('B')], { expectedVersion: 5 }),
    ).rejects.toMatchObject({
      actualVersion: 0,
    });
    expect((await store.readStream('s-ahead')).currentVersion).toBe(0);
  });

  it('refuses no_stream on an existing stream and stream_exists on a missing one', async () => {
    await store.appendToStream('s-exists', [event('A')], { expectedVersion: 'no_stream' });
    await expect(
      store.appendToStream('s-exists', [event('A')], { expectedVersion: 'no_stream' }),
    ).rejects.toMatchObject({
      actualVersion: 0,
    });
    await expect(
      store.appendToStream('s-missing', [event('A')], { expectedVersion: 'stream_exists' }),
    ).rejects.toMatchObject({
      actualVersion: -1,
    });
    const appended = await store.appendToStream('s-exists', [event('B')], {
      expectedVersion: 'stream_exists',
    });
    expect(appended.nextExpectedVersion).toBe(1);
  });

  it('appends with any at the end of the stream, created or not', async () => {
    expect(
      (await store.appendToStream('s-any', [event('A')], { expectedVersion: 'any' }))
        .nextExpectedVersion,
    ).toBe(0);
    expect(
      (await store.appendToStream('s-any', [event('B'), event('C')], { expectedVersion: 'any' }))
        .nextExpectedVersion,
    ).toBe(2);
  });

  it('stores large and unicode payloads exactly', async () => {
    const text = 'Zürich — 東京 — مرحبا — 🛍️📦 — \u200d\t"quotes" \\ back\\slash';
    const big = {
      blob: 'x'.repeat(1_000_000),
      text,
      nested: { list: Array.from({ length: 1000 }, (_, i) => ({ i, text })) },
    };
    await store.appendToStream(
      's-unicode-😀',
      [{ type: 'Big✓', data: big, metadata: { actor: text } }],
      {
        expectedVersion: 'no_stream',
      },
    );
    const [read] = (await store.readStream('s-unicode-😀')).events;
    expect(read!.type).toBe('Big✓');
    expect(read!.data).toEqual(big);
    expect(read!.metadata.actor).toBe(text);
  });

  it('refuses bad arguments with a clear error and writes nothing', async () => {
    const before = await countEvents();
    const bad: Array<[string, () => Promise<unknown>]> = [
      ['streamId', () => store.appendToStream('', [event('A')], { expectedVersion: 'any' })],
      ['events', () => store.appendToStream('s-bad', [], { expectedVersion: 'any' })],
      [
        'events[1].type',
        () =>
          store.appendToStream('s-bad', [event('A'), { type: '', data: {} }], {
            expectedVersion: 'any',
          }),
      ],
      [
        'events[0].data',
        () => store.appendToStream('s-bad', [{ type: 'A' } as never], { expectedVersion: 'any' }),
      ],
      [
        'events[0].metadata',
        () =>
          store.appendToStream('s-bad', [{ type: 'A', data: {}, metadata: [] as never }], {
            expectedVersion: 'any',
          }),
      ],
      [
        'events[0].data',
        () =>
          store.appendToStream('s-bad', [{ type: 'A', data: { big: 1n } }], {
            expectedVersion: 'any',
          }),
      ],
      [
        'events[0].data',
        () =>
          store.appendToStream('s-bad', [{ type: 'A', data: { nul: 'a\u0000b' } }], {
            expectedVersion: 'any',
          }),
      ],
      ...['a\ud800b', 'a\udfffb', '\udc00\ud800'].map((text): [string, () => Promise<unknown>] => [
        'events[0].metadata',
        () =>
          store.appendToStream('s-bad', [{ type: 'A', data: {}, metadata: { note: text } }], {
            expectedVersion: 'any',
          }),
      ]),
      [
        'expectedVersion',
        () => store.appendToStream('s-bad', [event('A')], { expectedVersion: -1 }),
      ],
      [
        'expectedVersion',
        () => store.appendToStream('s-bad', [event('A')], { expectedVersion: 1.5 }),
      ],
      [
        'expectedVersion',
        () => store.appendToStream('s-bad', [event('A')], { expectedVersion: 'latest' as never }),
      ],
      ['limit', () => store.readAll({ limit: 0 })],
      ['checkpoint', () => store.readAll({ after: 'nope' as never })],
      ['fromVersion', () => store.readStream('s-bad', { fromVersion: -2 })],
      ['position', () => store.checkpointAtPosition('12; DROP TABLE events')],
    ];
    for (const [argument, call] of bad) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EventStoreArgumentError);
      expect((error as EventStoreArgumentError).argument).toBe(argument);
    }
    expect(await countEvents()).toBe(before);
  });

  it('keeps payloads as written: key order, paired surrogates, text that reads like an escape', async () => {
    const data = {
      z: 1,
      a: { y: [true, null], b: 'mug \u{1F375}' },
      text: 'C:\\u0000 and \\ud800',
    };
    await store.appendToStream('s-payload-as-written', [{ type: 'A', data }], {
      expectedVersion: 'no_stream',
    });
    const [read] = (await store.readStream('s-payload-as-written')).events;
    expect(read!.data).toEqual(data);
    expect(JSON.stringify(read!.data)).toBe(JSON.stringify(data));
    const stored = await sql<{ data: string }>`
      SELECT data::text AS data FROM events WHERE stream_id = 's-payload-as-written'`.execute(
      database.db,
    );
    expect(stored.rows[0]!.data).toBe(JSON.stringify(data));
  });

  it('keeps the log append-only in the database itself', async () => {
    await store.appendToStream('s-frozen', [event('A')], { expectedVersion: 'no_stream' });
    await expect(
      sql`UPDATE events SET type = 'B' WHERE stream_id = 's-frozen'`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`DELETE FROM events WHERE stream_id = 's-frozen'`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    expect((await store.readStream('s-frozen')).events).toHaveLength(1);
  });
});

describe('readStream', () => {
  it('reads from a version, at most maxCount, and knows the stream version', async () => {
    await store.appendToStream(
      's-page',
      [0, 1, 2, 3, 4].map((n) => event('N', n)),
      { expectedVersion: 'no_stream' },
    );
    const page = await store.readStream('s-page', { fromVersion: 2, maxCount: 2 });
    expect(page.events.map((e) => e.streamVersion)).toEqual([2, 3]);
    expect(page.currentVersion).toBe(4);
    expect(await store.readStream('s-page', { fromVersion: 9 })).toEqual({
      events: [],
      currentVersion: 4,
    });
    expect(await store.readStream('s-none')).toEqual({ events: [], currentVersion: -1 });
  });

  it('reads several streams in one call', async () => {
    await store.appendToStream('s-multi-a', [event('A', 1), event('A', 2)], {
      expectedVersion: 'no_stream',
    });
    await store.appendToStream('s-multi-b', [event('B', 3)], { expectedVersion: 'no_stream' });
    const streams = await store.readStreams(['s-multi-a', 's-multi-b', 's-multi-none']);
    expect(streams.get('s-multi-a')!.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(streams.get('s-multi-b')!.map((e) => e.data)).toEqual([{ n: 3 }]);
    expect(streams.get('s-multi-none')).toEqual([]);
  });
});

describe('readAll', () => {
  it('pages through the whole log in order, each event once', async () => {
    const fresh = await createTestDatabase(4);
    try {
      const es = createEventStore({ db: fresh.db });
      for (let s = 0; s < 10; s++) {
        await es.appendToStream(
          `order-${s}`,
          [0, 1, 2].map((n) => event(n === 1 ? 'Odd' : 'Even', n)),
          { expectedVersion: 'no_stream' },
        );
        await es.appendToStream(`store-${s}`, [event('StoreThing', s)], {
          expectedVersion: 'no_stream',
        });
      }
      // Committed is not yet visible while a test running beside this one holds the
      // (cluster-wide) horizon back for a moment: wait until all 40 are.
      while ((await es.countAfter(START)) < 40) await new Promise((r) => setTimeout(r, 10));
      const seen: string[] = [];
      let after = START;
      for (;;) {
        const page = await es.readAll({ after, limit: 7 });
        seen.push(...page.events.map((e) => `${e.streamId}@${e.streamVersion}`));
        after = page.checkpoint;
        if (!page.hasMore) break;
      }
      expect(seen).toHaveLength(40);
      expect(new Set(seen).size).toBe(40);
      expect(seen.slice(0, 4)).toEqual(['order-0@0', 'order-0@1', 'order-0@2', 'store-0@0']);
      expect((await es.readAll({ after })).events).toEqual([]);

      // Filters: by type and by stream prefix; the checkpoint moves past what was scanned.
      const odd = await es.readAll({ types: ['Odd'], limit: 1000 });
      expect(odd.events.map((e) => e.streamId)).toEqual(
        Array.from({ length: 10 }, (_, s) => `order-${s}`),
      );
      expect(odd.checkpoint).toBe(after);
      const stores = await es.readAll({ streamPrefix: 'store-', limit: 8 });
      expect(stores.events.map((e) => e.streamId)).toEqual(['store-0', 'store-1']);
      expect(stores.hasMore).toBe(true);
      const both = await es.readAll({
        streamPrefix: 'order-',
        types: ['Odd', 'Even'],
        limit: 1000,
      });
      expect(both.events).toHaveLength(30);

      // A decimal global position resolves to the checkpoint after that event.
      const first11 = (await es.readAll({ limit: 11 })).events;
      const tenth = first11[9]!;
      const resumed = await es.readAll({
        after: (await es.checkpointAtPosition(tenth.globalPosition))!,
        limit: 1,
      });
      expect(resumed.events[0]!.globalPosition).toBe(first11[10]!.globalPosition);
      expect(await es.checkpointAtPosition('999999999')).toBeNull();
      expect(await es.headCheckpoint()).toBe(after);
      expect(await es.countAfter(tenth.checkpoint)).toBe(30);
    } finally {
      await fresh.drop();
    }
  });
});

describe('appends through the pool', () => {
  it('keep their connections when refused: a conflict does not cost a new connection', async () => {
    const own = await createTestDatabase(4);
    try {
      const viaPool = createEventStore({ db: own.db, pool: own.pool });
      let connections = 0;
      own.pool.on('connect', () => connections++);
      await viaPool.appendToStream('kept', [event('A')], { expectedVersion: 'no_stream' });
      const opened = connections;
      for (let i = 0; i < 30; i++) {
        await expect(
          viaPool.appendToStream('kept', [event('B', i)], { expectedVersion: 'no_stream' }),
        ).rejects.toBeInstanceOf(WrongExpectedVersion);
        await expect(
          viaPool.appendToStream('kept', [event('B', i)], { expectedVersion: 5 }),
        ).rejects.toBeInstanceOf(WrongExpectedVersion);
      }
      expect(connections).toBe(opened);
      expect((await viaPool.readStream('kept')).currentVersion).toBe(0);
    } finally {
      await own.drop();
    }
  });
});

describe('the two read paths', () => {
  it('read the same through the pool (rows as arrays) as through kysely (rows as objects)', async () => {
    const viaPool = createEventStore({ db: database.db, pool: database.pool });
    await store.appendToStream(
      'paths-a',
      [event('A', 1), { type: 'B', data: { nested: [1, 'two', null] } }],
      { expectedVersion: 'any' },
    );
    await store.appendToStream('paths-b', [{ type: 'A', data: {}, metadata: {} }], {
      expectedVersion: 'any',
    });
    while ((await store.countAfter(START)) < (await countEvents()))
      await new Promise((r) => setTimeout(r, 10));
    expect(await viaPool.readAll({ limit: 10_000 })).toEqual(
      await store.readAll({ limit: 10_000 }),
    );
    expect(await viaPool.readAll({ limit: 50, types: ['B'] })).toEqual(
      await store.readAll({ limit: 50, types: ['B'] }),
    );
    expect(await viaPool.readAll({ streamPrefix: 'paths-' })).toEqual(
      await store.readAll({ streamPrefix: 'paths-' }),
    );
    expect(await viaPool.readStream('paths-a', { fromVersion: 1 })).toEqual(
      await store.readStream('paths-a', { fromVersion: 1 }),
    );
    expect(await viaPool.readStreams(['paths-a', 'paths-b', 'none'])).toEqual(
      await store.readStreams(['paths-a', 'paths-b', 'none']),
    );
    const [b] = (await viaPool.readAll({ types: ['B'], streamPrefix: 'paths-' })).events;
    expect(b).toMatchObject({
      type: 'B',
      data: { nested: [1, 'two', null] },
      metadata: { schemaVersion: 1 },
      streamVersion: 1,
    });
    expect(b!.recordedAt).toBeInstanceOf(Date);
  });
});
