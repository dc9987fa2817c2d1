import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { createDatabase } from '../../src/db/database';
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

describe('the projections', () => {
  it('hold exactly what folding each stream gives: orders, counts, stores, inventory', async () => {
    const context = commandContext(database.db);
    // Half the log before the runners start (catch-up), half while they run (live).
    await runScenario(context, { seed: 1, orders: 60, prefix: 'a' });
    const runners = startProjectionRunners({
      db: database.db,
      url: database.url,
      eventStore: context.eventStore,
      log,
      batchSize: 17,
      pollIntervalMs: 100,
    });
    try {
      await runScenario(context, { seed: 2, orders: 60, prefix: 'b' });
      await caughtUp(database.db, context.eventStore);
      const expected = await expectedReadModels(database.db, context.eventStore);
      const actual = await actualReadModels(database.db);
      expect(actual.orders).toEqual(expected.orders);
      expect(actual.stores).toEqual(expected.stores);
      expect(actual.counts).toEqual(expected.counts);
      expect(actual.inventory).toEqual(expected.inventory);
      // The scenario reached every sync status, so the comparison covered them all.
      expect(new Set(actual.orders.map((o) => o.sync_status))).toEqual(
        new Set(['PENDING', 'BLOCKED', 'SYNCED', 'FAILED', 'CANCELLED']),
      );
    } finally {
      await runners.stop();
    }
  });

  it('with two runners on one database, one applies: nothing counted twice', async () => {
    const context = commandContext(database.db);
    const other = createDatabase(database.url, { poolSize: 4 });
    const first = startProjectionRunners({
      db: database.db,
      url: database.url,
      eventStore: context.eventStore,
      log,
      batchSize: 5,
      pollIntervalMs: 50,
      leaderRetryMs: 50,
    });
    const second = startProjectionRunners({
      db: other.db,
      url: database.url,
      eventStore: commandContext(other.db).eventStore,
      log,
      batchSize: 5,
      pollIntervalMs: 50,
      leaderRetryMs: 50,
    });
    try {
      await runScenario(context, { seed: 3, orders: 40, prefix: 'c' });
      // Stop the first while the second waits: the second takes over mid-stream.
      await first.stop();
      await runScenario(context, { seed: 4, orders: 20, prefix: 'd' });
      await caughtUp(database.db, context.eventStore);
      const expected = await expectedReadModels(database.db, context.eventStore);
      const actual = await actualReadModels(database.db);
      expect(actual.counts).toEqual(expected.counts);
      expect(actual.inventory).toEqual(expected.inventory);
      expect(actual.orders).toEqual(expected.orders);
    } finally {
      await first.stop();
      await second.stop();
      await other.close();
    }
  });
});
