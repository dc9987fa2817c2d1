import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordTikTokOrderStatus } from '../../src/commands/orderCommands';
import { updateFbtSyncRules } from '../../src/commands/storeCommands';
import { responseCacheLookups } from '../../src/graphql/responseCache/responseCache';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  admin,
  startGraphqlTestService,
  storeViewer,
  tokenFor,
  type GraphqlTestService,
} from './graphqlTestService';
import { seedOrder, seedStore } from './seed';

const PAGE = `query Page($id: ID!) { store(id: $id) {
  id name orderCounts { pending blocked synced }
  orders(first: 50) { totalCount edges { cursor node { id tiktokOrderId syncStatus store { id } } } } } }`;

interface PageData {
  store: { orders: { totalCount: number; edges: Array<{ node: { tiktokOrderId: string } }> } };
}

/** How the counters moved while `run` ran. */
async function counting(service: GraphqlTestService, run: () => Promise<unknown>) {
  const before = await responseCacheLookups(service.parts.registry);
  await run();
  const after = await responseCacheLookups(service.parts.registry);
  return {
    hit: after.hit! - before.hit!,
    miss: after.miss! - before.miss!,
    bypass: after.bypass! - before.bypass!,
  };
}

describe('the response cache, with the projections running', () => {
  let database: TestDatabase;
  let service: GraphqlTestService;
  /** A second API process on the same database, without projections of its own. */
  let reader: GraphqlTestService;
  let shop: string;
  let other: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startGraphqlTestService(database);
    reader = await startGraphqlTestService(database, { projections: false });
    shop = await seedStore(service.commands, 'cache-shop');
    other = await seedStore(service.commands, 'cache-other');
    await seedOrder(service.commands, shop, 'C1');
    await service.caughtUp();
  });
  afterAll(async () => {
    await reader.stop();
    await service.stop();
    await database.drop();
  });

  it('answers a repeated query from the cache, with the same answer', async () => {
    const first = await service.query<PageData>(PAGE, { id: shop });
    const moved = await counting(service, async () => {
      const second = await service.query<PageData>(PAGE, { id: shop });
      expect(second).toEqual(first);
    });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.store.orders.totalCount).toBe(1);
    expect(moved).toEqual({ hit: 1, miss: 0, bypass: 0 });
  });

  it('does not serve an answer once the projections have changed the read models', async () => {
    await service.query(PAGE, { id: shop });
    await seedOrder(service.commands, shop, 'C2', { placedAt: '2026-11-28T11:00:00.000Z' });
    await service.caughtUp();
    const moved = await counting(service, async () => {
      const page = await service.query<PageData>(PAGE, { id: shop });
      expect(page.body.data!.store.orders.totalCount).toBe(2);
      expect(page.body.data!.store.orders.edges[0]!.node.tiktokOrderId).toBe('C2');
    });
    expect(moved).toEqual({ hit: 0, miss: 1, bypass: 0 });
  });

  it("sees at once what another process's projections applied", async () => {
    const before = await reader.query<PageData>(PAGE, { id: other });
    expect(before.body.data!.store.orders.totalCount).toBe(0);
    expect((await counting(reader, () => reader.query(PAGE, { id: other }))).hit).toBe(1);
    await seedOrder(service.commands, other, 'O1');
    await service.caughtUp(); // applied by `service`'s projections, not the reader's
    const after = await reader.query<PageData>(PAGE, { id: other });
    expect(after.body.data!.store.orders.totalCount).toBe(1);
  });

  it("keeps each caller's answers apart: admin, and each store", async () => {
    const STORES = '{ stores(first: 10) { totalCount edges { node { id } } } }';
    const asAdmin = await service.query<{ stores: { totalCount: number } }>(STORES);
    expect(asAdmin.body.data!.stores.totalCount).toBe(2);
    const asStore = await service.query<{ stores: { totalCount: number } }>(STORES, undefined, {
      as: storeViewer(shop),
    });
    expect(asStore.body.data!.stores.totalCount).toBe(1);

    const ownPage = await service.query(PAGE, { id: shop }, { as: storeViewer(shop) });
    expect(ownPage.body.data).toEqual((await service.query(PAGE, { id: shop })).body.data);
    const theirs = await service.query(PAGE, { id: shop }, { as: storeViewer(other) });
    expect(theirs.body).toEqual({ data: { store: null } });
  });

  it('still checks the token of a request it has the answer to', async () => {
    await service.query(PAGE, { id: shop });
    const expired = await tokenFor(admin, '-1m');
    const response = await service.query(PAGE, { id: shop }, { token: expired });
    expect(response.status).toBe(401);
    expect(response.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('never answers a mutation from the cache', async () => {
    const MUTATION = `mutation($id: ID!, $tag: String) {
      updateFbtSyncRules(input: { storeId: $id, mode: SYNC_AND_DEDUCT_INVENTORY, orderTag: $tag }) {
        store { version } userErrors { code } } }`;
    const versions: number[] = [];
    const moved = await counting(service, async () => {
      for (let i = 0; i < 3; i++) {
        const response = await service.query<{
          updateFbtSyncRules: { store: { version: number } };
        }>(MUTATION, { id: shop, tag: `T${i}` });
        versions.push(response.body.data!.updateFbtSyncRules.store.version);
      }
    });
    expect(moved.hit).toBe(0);
    // Learned from the first: the others do not even read the read models' version.
    expect(moved.bypass).toBe(2);
    expect(new Set(versions).size).toBe(3);
  });

  it('never keeps an answer with errors', async () => {
    const TOO_MANY = '{ stores(first: 1000) { totalCount } }';
    const moved = await counting(service, async () => {
      for (let i = 0; i < 2; i++) {
        const response = await service.query(TOO_MANY);
        expect(response.body.errors).toHaveLength(1);
      }
    });
    expect(moved.hit).toBe(0);
  });
});

describe('the response cache and the event log', () => {
  let database: TestDatabase;
  /** Without projections: only the log moves. */
  let service: GraphqlTestService;
  let shop: string;
  let order: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const writer = await startGraphqlTestService(database);
    shop = await seedStore(writer.commands, 'log-shop');
    order = await seedOrder(writer.commands, shop, 'L1', { status: 'UNPAID' });
    await writer.caughtUp();
    await writer.stop();
    // No projections run here: a query after a write waits this long for them, then says so.
    service = await startGraphqlTestService(database, {
      projections: false,
      env: { READ_CONSISTENCY_WAIT_MS: '100' },
    });
  });
  afterAll(async () => {
    await service.stop();
    await database.drop();
  });

  const newStatus = (status: 'AWAITING_SHIPMENT' | 'AWAITING_COLLECTION') =>
    recordTikTokOrderStatus(service.commands, {
      storeId: shop,
      tiktokOrderId: 'L1',
      status,
      changedAt: new Date().toISOString(),
    });

  it("never keeps an order's history, which is read from the log", async () => {
    const HISTORY = 'query($id: ID!) { order(id: $id) { syncStatus history { type } } }';
    type History = { order: { syncStatus: string; history: Array<{ type: string }> } };
    const before = await service.query<History>(HISTORY, { id: order });
    await newStatus('AWAITING_SHIPMENT');
    const moved = await counting(service, async () => {
      const after = await service.query<History>(HISTORY, { id: order });
      expect(after.body.data!.order.history.map((e) => e.type)).toEqual([
        ...before.body.data!.order.history.map((e) => e.type),
        'FbtStatusChanged',
        'OrderSyncRequested',
      ]);
      // The read model has not moved (no projections here), and the answer says so.
      expect(after.body.data!.order.syncStatus).toBe(before.body.data!.order.syncStatus);
      expect(after.body.extensions).toEqual({ readModelsBehind: true });
    });
    expect(moved).toEqual({ hit: 0, miss: 0, bypass: 1 });
  });

  it('never keeps a page of events, nor the projections and their lag', async () => {
    const EVENTS = `query($stream: String) { events(streamId: $stream, first: 100) { events { type } }
      projections { name lag } }`;
    type Events = { events: { events: unknown[] }; projections: Array<{ lag: number }> };
    const stream = `order-${order}`;
    const before = await service.query<Events>(EVENTS, { stream });
    await newStatus('AWAITING_COLLECTION');
    const after = await service.query<Events>(EVENTS, { stream });
    expect(after.body.data!.events.events).toHaveLength(before.body.data!.events.events.length + 1);
    // The lag counts events below the cluster-wide horizon, which a test running
    // beside this one can hold back for a moment: ask again until it moves.
    const lag = (data: Events) => Math.max(...data.projections.map((p) => p.lag));
    const deadline = Date.now() + 10_000;
    let latest = lag(after.body.data!);
    while (latest <= lag(before.body.data!) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      latest = lag((await service.query<Events>(EVENTS, { stream })).body.data!);
    }
    expect(latest).toBeGreaterThan(lag(before.body.data!));
  });

  it('never keeps a store the projections have not caught up with (folded from its stream)', async () => {
    const fresh = await seedStore(service.commands, 'log-fresh');
    const RULES = 'query($id: ID!) { store(id: $id) { fbtSyncRules { mode orderTag } } }';
    type Rules = { store: { fbtSyncRules: { orderTag: string | null } } };
    const before = await service.query<Rules>(RULES, { id: fresh });
    expect(before.body.data!.store.fbtSyncRules.orderTag).toBeNull();
    await updateFbtSyncRules(service.commands, {
      storeId: fresh,
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
      orderTag: 'FBT',
    });
    const after = await service.query<Rules>(RULES, { id: fresh });
    expect(after.body.data!.store.fbtSyncRules.orderTag).toBe('FBT');
  });
});

describe('GRAPHQL_CACHE_MB=0', () => {
  let database: TestDatabase;
  let service: GraphqlTestService;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startGraphqlTestService(database, { env: { GRAPHQL_CACHE_MB: '0' } });
  });
  afterAll(async () => {
    await service.stop();
    await database.drop();
  });

  it('turns the cache off: every request runs', async () => {
    const moved = await counting(service, async () => {
      for (let i = 0; i < 3; i++)
        expect((await service.query('{ stores { totalCount } }')).body.errors).toBeUndefined();
    });
    expect(moved).toEqual({ hit: 0, miss: 0, bypass: 0 });
  });
});
