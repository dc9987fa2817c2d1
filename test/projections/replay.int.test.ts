import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pino from 'pino';
import { allProjections } from '../../src/projections/allProjections';
import type { Projection } from '../../src/projections/projection';
import { replayProjections } from '../../src/projections/rebuild';
import { verifyProjections } from '../../src/projections/verify';
import { startProjectionRunners } from '../../src/projections/runProjections';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { actualReadModels, caughtUp, expectedReadModels } from '../support/projectionSupport';
import { commandContext, runScenario } from '../support/scenario';

const log = pino({ level: 'silent' });
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(8);
});
afterAll(() => database.drop());

/** The answers the Orders view gives, as JSON text: replay must not change a byte. */
async function queryResults(): Promise<string> {
  const db = database.db;
  return JSON.stringify({
    orders: await db
      .selectFrom('orders')
      .selectAll()
      .orderBy('store_id')
      .orderBy('placed_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    blocked: await db
      .selectFrom('orders')
      .select(['id', 'blocked_reason'])
      .where('sync_status', '=', 'BLOCKED')
      .orderBy('placed_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    counts: await db
      .selectFrom('order_counts')
      .selectAll()
      .orderBy('store_id')
      .orderBy('sync_status')
      .execute(),
    stores: await db.selectFrom('stores').selectAll().orderBy('id').execute(),
    inventory: await db
      .selectFrom('inventory_deductions')
      .selectAll()
      .orderBy('store_id')
      .orderBy('sku')
      .orderBy('location')
      .execute(),
  });
}

/** The read-model tables' indexes and durability, as the catalog has them. */
async function tableShapes(): Promise<string[]> {
  const tables = allProjections.flatMap((p) => p.tables);
  const { rows } = await sql<{ shape: string }>`
    SELECT c.relname || ' ' || c.relpersistence::text || ' ' ||
      coalesce((SELECT string_agg(i.indexdef, '; ' ORDER BY i.indexname) FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = c.relname), '') AS shape
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname = ANY(${tables}::text[])
    ORDER BY c.relname`.execute(database.db);
  return rows.map((r) => r.shape);
}

describe('replay, verify', () => {
  it('replays every projection while the runners keep running, with byte-identical query results', async () => {
    const context = commandContext(database.db);
    await runScenario(context, { seed: 11, orders: 80, prefix: 'r' });
    const runners = startProjectionRunners({
      db: database.db,
      url: database.url,
      eventStore: context.eventStore,
      log,
      pollIntervalMs: 50,
    });
    try {
      await caughtUp(database.db, context.eventStore);
      const before = await queryResults();
      const shapes = await tableShapes();
      const progress: number[] = [];
      // New events keep arriving during the replay; the live runners keep applying them.
      const writing = runScenario(
        commandContext(database.db, Date.parse('2026-11-20T00:00:00.000Z')),
        { seed: 12, orders: 30, prefix: 'w' },
      );
      await replayProjections({
        db: database.db,
        url: database.url,
        eventStore: context.eventStore,
        projections: allProjections,
        batchSize: 50,
        onProgress: (p) => progress.push(p.events),
      });
      await writing;
      await caughtUp(database.db, context.eventStore);
      expect(progress.length).toBeGreaterThan(1);
      // The swapped-in tables are durable and indexed as the migrations made the live ones.
      expect(await tableShapes()).toEqual(shapes);
      expect(shapes.join('\n')).toMatch(/^orders p .*orders_by_store_sync_status/m);

      const expected = await expectedReadModels(database.db, context.eventStore);
      const actual = await actualReadModels(database.db);
      expect(actual.orders).toEqual(expected.orders);
      expect(actual.counts).toEqual(expected.counts);
      expect(actual.inventory).toEqual(expected.inventory);
      expect(
        await verifyProjections({
          db: database.db,
          url: database.url,
          eventStore: context.eventStore,
          projections: allProjections,
        }),
      ).toEqual([]);

      // Replay once more with nothing new: the same bytes as before the writes began, plus the new orders.
      const settled = await queryResults();
      await replayProjections({
        db: database.db,
        url: database.url,
        eventStore: context.eventStore,
        projections: allProjections,
      });
      await caughtUp(database.db, context.eventStore);
      expect(await queryResults()).toBe(settled);
      expect(settled).not.toBe(before);
    } finally {
      await runners.stop();
    }
  });

  it('resumes a replay that crashed between two batches, with no duplicate and no gap', async () => {
    const context = commandContext(database.db);
    await runScenario(context, { seed: 13, orders: 40, prefix: 'k' });
    const runners = startProjectionRunners({
      db: database.db,
      url: database.url,
      eventStore: context.eventStore,
      log,
      pollIntervalMs: 50,
    });
    try {
      await caughtUp(database.db, context.eventStore);
      const before = await queryResults();
      // The orders projection dies in its fourth batch (fold): the batch's work is lost with the process.
      let batches = 0;
      const crashing: Projection[] = allProjections.map((p) =>
        p.name !== 'orders'
          ? p
          : {
              ...p,
              start: () => {
                const work = p.start();
                const fold = work.fold.bind(work);
                work.fold = async (...args) => {
                  if (++batches === 4) throw new Error('killed mid-replay');
                  return fold(...args);
                };
                return work;
              },
            },
      );
      await expect(
        replayProjections({
          db: database.db,
          url: database.url,
          eventStore: context.eventStore,
          projections: crashing,
          batchSize: 40,
          writeEvery: 40,
        }),
      ).rejects.toThrow('killed mid-replay');
      const progress = await sql<{ projection: string; position: string }>`
        SELECT projection, global_position::text AS position FROM fbt_rebuild.rebuild_progress`.execute(
        database.db,
      );
      expect(progress.rows.some((r) => r.position !== '0')).toBe(true);

      await replayProjections({
        db: database.db,
        url: database.url,
        eventStore: context.eventStore,
        projections: allProjections,
        batchSize: 40,
      });
      await caughtUp(database.db, context.eventStore);
      expect(await queryResults()).toBe(before);
    } finally {
      await runners.stop();
    }
  });

  it('verify finds a row corrupted by hand and names it', async () => {
    const context = commandContext(database.db);
    await runScenario(context, { seed: 14, orders: 20, prefix: 'v' });
    const runners = startProjectionRunners({
      db: database.db,
      url: database.url,
      eventStore: context.eventStore,
      log,
      pollIntervalMs: 50,
    });
    try {
      await caughtUp(database.db, context.eventStore);
      const options = {
        db: database.db,
        url: database.url,
        eventStore: context.eventStore,
        projections: allProjections,
      };
      expect(await verifyProjections(options)).toEqual([]);
      const victim = await database.db
        .selectFrom('orders')
        .select('id')
        .where('tiktok_order_id', '=', 'v3')
        .executeTakeFirstOrThrow();
      await database.db
        .updateTable('orders')
        .set({ failure_reason: 'edited by hand' })
        .where('id', '=', victim.id)
        .execute();
      await database.db
        .updateTable('order_counts')
        .set((eb) => ({ count: eb('count', '+', 1) }))
        .where('sync_status', '=', 'SYNCED')
        .execute();
      const differences = await verifyProjections(options);
      expect(differences.map((d) => [d.table, d.onlyLive, d.onlyRebuilt])).toEqual([
        ['orders', 1, 1],
        ['order_counts', expect.any(Number), expect.any(Number)],
      ]);
      expect(differences[0]!.samples.find((s) => s.side === 'live')!.row).toMatchObject({
        id: victim.id,
        failure_reason: 'edited by hand',
      });
    } finally {
      await runners.stop();
    }
  });
});
