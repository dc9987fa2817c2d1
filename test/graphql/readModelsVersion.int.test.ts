import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import { loadCheckpoint, storeCheckpoint } from '../../src/eventstore/checkpoints';
import { readModelsVersion } from '../../src/graphql/responseCache/readModelsVersion';
import { allProjections } from '../../src/projections/allProjections';
import { projectionCheckpointName } from '../../src/projections/projection';
import { replayProjections } from '../../src/projections/rebuild';
import { startProjectionRunners } from '../../src/projections/runProjections';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caughtUp } from '../support/projectionSupport';
import { seedOrder, seedStore } from './seed';

let database: TestDatabase;
const eventStore = () => createDomainEventStore(database.db);
const commands = () => ({
  eventStore: eventStore(),
  now: () => new Date(),
  metadata: { correlationId: 'version-test', actor: 'test' },
});

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe("the read models' version", () => {
  it('changes with every projection batch, and only then', async () => {
    const empty = await readModelsVersion(database.db);
    const runners = startProjectionRunners({
      db: database.db,
      url: database.url,
      eventStore: eventStore(),
      log: pino({ level: 'silent' }),
      pollIntervalMs: 20,
    });
    try {
      const shop = await seedStore(commands(), 'version-shop');
      await caughtUp(database.db, eventStore());
      const afterStore = await readModelsVersion(database.db);
      expect(afterStore).not.toBe(empty);
      // Other subscriptions' checkpoints (the sync reactor's, the webhooks') do not count.
      await storeCheckpoint(database.db, 'sync-reactor', await loadCheckpoint(database.db, 'x'));
      expect(await readModelsVersion(database.db)).toBe(afterStore);

      await seedOrder(commands(), shop, 'V1');
      await caughtUp(database.db, eventStore());
      expect(await readModelsVersion(database.db)).not.toBe(afterStore);
    } finally {
      await runners.stop();
    }
  });

  it('changes when a checkpoint row is written again at the same position (a replay swap)', async () => {
    const before = await readModelsVersion(database.db);
    const name = projectionCheckpointName(allProjections[0]!.name);
    await storeCheckpoint(database.db, name, await loadCheckpoint(database.db, name));
    const rewritten = await readModelsVersion(database.db);
    expect(rewritten).not.toBe(before);

    await replayProjections({
      db: database.db,
      url: database.url,
      eventStore: eventStore(),
      projections: allProjections,
    });
    expect(await readModelsVersion(database.db)).not.toBe(rewritten);
  });
});
