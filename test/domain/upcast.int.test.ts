import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { orderDecider } from '../../src/domain/orderDecider';
import type { OrderEvent } from '../../src/domain/orderEvents';
import { schemaVersionOf } from '../../src/domain/eventCatalog';
import { upcast } from '../../src/domain/upcast';
import { createEventStore } from '../../src/eventstore/createEventStore';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(2);
});
afterAll(() => database.drop());

it('reads an OrderPlaced stored in schema version 1 in the current shape, and the row stays as stored', async () => {
  const v1 = {
    orderId: 'o-legacy',
    storeId: 's-legacy',
    tiktokOrderId: '5770999',
    fulfillmentType: 'FULFILLED_BY_TIKTOK',
    status: 'AWAITING_SHIPMENT',
    lineItems: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: '12.50' }],
    currency: 'USD',
    totalAmount: '12.50',
    placedAt: '2025-03-01T09:00:00.000Z',
    fbtSyncMode: 'WAIT_FOR_AWAITING_COLLECTION',
    fbtOrderTag: 'FBT',
    platform: 'SHOPIFY',
    plan: 'PRO',
  };
  await sql`INSERT INTO events (stream_id, stream_version, type, data, metadata)
    VALUES ('order-o-legacy', 0, 'OrderPlaced', ${JSON.stringify(v1)}::jsonb, '{"schemaVersion": 1}'::jsonb)`.execute(
    database.db,
  );

  const store = createEventStore({ db: database.db, upcast, schemaVersionOf });
  const [event] = (await store.readStream('order-o-legacy')).events;
  expect(event!.metadata).toMatchObject({ schemaVersion: 2, upcastFrom: 1 });
  expect(event!.data).toMatchObject({
    rules: { mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' },
    store: { platform: 'SHOPIFY', plan: 'PRO' },
    recordedAt: '2025-03-01T09:00:00.000Z',
  });
  expect(event!.data).not.toHaveProperty('fbtSyncMode');

  // The decider folds it like any current event: held under the rule it was placed with.
  const state = orderDecider.evolve(null, event as unknown as OrderEvent);
  expect(state).toMatchObject({ appliedMode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });

  // readAll goes through the same upcaster; the stored row is never rewritten.
  // (The horizon is cluster-wide: a test running beside this one may hold it back a moment.)
  let all = await store.readAll();
  while (all.events.length === 0) {
    await new Promise((r) => setTimeout(r, 10));
    all = await store.readAll();
  }
  expect(all.events[0]!.data).toEqual(event!.data);
  const raw = await sql<{
    data: Record<string, unknown>;
  }>`SELECT data FROM events WHERE stream_id = 'order-o-legacy'`.execute(database.db);
  expect(raw.rows[0]!.data).toEqual(v1);

  // New events are written in the current version.
  await store.appendToStream('order-o-new', [{ type: 'OrderPlaced', data: {} }], {
    expectedVersion: 'no_stream',
  });
  expect((await store.readStream('order-o-new')).events[0]!.metadata.schemaVersion).toBe(2);
});
