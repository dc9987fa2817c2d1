import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ServeProcess, startServe, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signAdminToken } from '../support/graphqlClient';
import {
  AUTH_SECRET,
  type GraphqlResponse,
  type GraphqlTestService,
  startGraphqlTestService,
} from './graphqlTestService';

/**
 * Read-your-writes through HTTP: a query sent right after a mutation answers
 * with what the mutation changed, whichever `serve` process it reaches,
 * while other orders keep being recorded. Two real `serve` processes on one
 * database; every read goes to the process the write did not go to half the
 * time.
 */
const TOKEN = signAdminToken(AUTH_SECRET, 'ryw');

async function post<Data>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphqlResponse<Data>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** The data of an answer that must have no errors, and must not say the read models were behind. */
function dataOf<Data>(answer: GraphqlResponse<Data>): Data {
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.extensions).toBeUndefined();
  return answer.body.data!;
}

const STORE_FIELDS = 'id name plan version fbtSyncRules { mode orderTag }';
const ORDER_FIELDS = 'id tiktokOrderId tiktokStatus syncStatus syncAttempts version';
type StoreView = {
  id: string;
  name: string;
  plan: string;
  version: number;
  fbtSyncRules: { mode: string; orderTag: string | null };
};
type OrderView = {
  id: string;
  tiktokOrderId: string;
  tiktokStatus: string;
  syncStatus: string;
  syncAttempts: number;
  version: number;
};

const CONNECT = `mutation($name: String!, $shop: String!, $domain: String) {
  connectStore(input: { name: $name, tiktokShopId: $shop, platform: SHOPIFY, plan: PRO, shopDomain: $domain }) {
    store { ${STORE_FIELDS} } userErrors { code message } } }`;
const PLAN = `mutation($id: ID!, $plan: Plan!) { changeStorePlan(input: { storeId: $id, plan: $plan }) {
  store { ${STORE_FIELDS} } userErrors { code message } } }`;
const RULES = `mutation($id: ID!, $mode: FbtSyncMode!, $tag: String) {
  updateFbtSyncRules(input: { storeId: $id, mode: $mode, orderTag: $tag }) {
    store { ${STORE_FIELDS} } userErrors { code message } } }`;
const RECORD = `mutation($store: ID!, $tiktok: String!, $status: TikTokOrderStatus!, $sku: String!, $at: DateTime!) {
  recordTikTokOrder(input: { storeId: $store, tiktokOrderId: $tiktok, fulfillmentType: FULFILLED_BY_SELLER,
    status: $status, currency: "USD", placedAt: $at,
    lineItems: [{ sku: $sku, quantity: 1, unitPrice: "9.90" }] }) {
    order { ${ORDER_FIELDS} } userErrors { code message } } }`;
const STATUS = `mutation($store: ID!, $tiktok: String!, $status: TikTokOrderStatus!, $at: DateTime!) {
  recordTikTokOrderStatus(input: { storeId: $store, tiktokOrderId: $tiktok, status: $status, changedAt: $at }) {
    order { ${ORDER_FIELDS} } userErrors { code message } } }`;
const RETRY = `mutation($id: ID!) { retryOrderSync(input: { orderId: $id }) {
  order { ${ORDER_FIELDS} } userErrors { code message } } }`;
const STORE = `query($id: ID!) { store(id: $id) { ${STORE_FIELDS} } }`;
const ORDER = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
const BY_TIKTOK_ID = `query($store: ID!, $tiktok: String!) {
  orderByTikTokId(storeId: $store, tiktokOrderId: $tiktok) { ${ORDER_FIELDS} } }`;
const EVENTS_OF = `query($stream: String!) { events(streamId: $stream, first: 100) { events { streamVersion type } } }`;

const REJECTED_SKU = 'RYW-NO-SUCH-PRODUCT';
const ROUNDS = 200;

describe('read-your-writes across two serve processes, under a background load of recorded orders', () => {
  let database: TestDatabase;
  let serves: ServeProcess[] = [];
  let loadStore: string;

  beforeAll(async () => {
    database = await createTestDatabase(2);
    // Orders with this SKU fail at the sandbox for good: retryOrderSync has FAILED orders to retry.
    await database.db
      .updateTable('sandbox_settings')
      .set({ reject_skus: [REJECTED_SKU] })
      .execute();
    const env = {
      DATABASE_URL: database.url,
      AUTH_SECRET,
      PLATFORM: 'sandbox',
      DATA_DIR: tempDataDir(),
      DATABASE_POOL_SIZE: '6',
      // What is asserted is that each answer is fresh; a loaded CI machine may take the
      // projections past the default bound (2 s) now and then, which would flag it.
      READ_CONSISTENCY_WAIT_MS: '15000',
    };
    serves = await Promise.all([startServe(env), startServe(env)]);
  }, 120_000);
  afterAll(async () => {
    for (const serve of serves) await serve.stop();
    await database.drop();
  });

  it(`answers ${ROUNDS} queries in a row, each right after a mutation, with what the mutation changed`, async () => {
    const [a, b] = serves.map((s) => s.url) as [string, string];
    const connected = dataOf(
      await post<{ connectStore: { store: StoreView } }>(a, CONNECT, {
        name: 'Load',
        shop: 'ryw-load',
        domain: 'ryw-load.myshopify.com',
      }),
    );
    loadStore = connected.connectStore.store.id;

    // Orders that will fail at the platform, to be retried one per round.
    const failing: string[] = [];
    for (let i = 0; i < Math.ceil(ROUNDS / 6) + 1; i++) {
      const recorded = dataOf(
        await post<{ recordTikTokOrder: { order: OrderView } }>(a, RECORD, {
          store: loadStore,
          tiktok: `RYW-F${i}`,
          status: 'AWAITING_SHIPMENT',
          sku: REJECTED_SKU,
          at: new Date().toISOString(),
        }),
      );
      failing.push(recorded.recordTikTokOrder.order.id);
    }
    for (;;) {
      const failed = await Promise.all(
        failing.map((id) => post<{ order: OrderView }>(a, ORDER, { id })),
      );
      if (failed.every((f) => f.body.data?.order.syncStatus === 'FAILED')) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // The background load: two clients recording orders, about 25 a second in all.
    let loading = true;
    let loaded = 0;
    const load = [0, 1].map(async (client) => {
      for (let i = 0; loading; i++) {
        await new Promise((r) => setTimeout(r, 80));
        const answer = await post<{ recordTikTokOrder: { order: OrderView } }>(
          client ? b : a,
          RECORD,
          {
            store: loadStore,
            tiktok: `RYW-L${client}-${i}`,
            status: 'AWAITING_SHIPMENT',
            sku: 'MUG',
            at: new Date().toISOString(),
          },
        );
        expect(answer.body.errors).toBeUndefined();
        loaded++;
      }
    });

    const stores: StoreView[] = [];
    const orders: OrderView[] = [];
    let fresh = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Writes go to one process; the read right after goes to either.
        const writeTo = round % 2 ? b : a;
        const readFrom = Math.floor(round / 2) % 2 ? b : a;
        const kind = round % 6;
        if (kind === 0 || stores.length === 0) {
          const { connectStore } = dataOf(
            await post<{ connectStore: { store: StoreView } }>(writeTo, CONNECT, {
              name: `Shop ${round}`,
              shop: `ryw-${round}`,
              domain: `ryw-${round}.myshopify.com`,
            }),
          );
          const { store } = dataOf(
            await post<{ store: StoreView | null }>(readFrom, STORE, { id: connectStore.store.id }),
          );
          expect(store).toEqual(connectStore.store);
          stores.push(connectStore.store);
        } else if (kind === 1) {
          const target = stores[stores.length - 1]!;
          const { changeStorePlan } = dataOf(
            await post<{ changeStorePlan: { store: StoreView } }>(writeTo, PLAN, {
              id: target.id,
              plan: target.plan === 'PRO' ? 'ENTERPRISE' : 'PRO',
            }),
          );
          const { store } = dataOf(
            await post<{ store: StoreView }>(readFrom, STORE, { id: target.id }),
          );
          expect(store).toEqual(changeStorePlan.store);
          stores[stores.length - 1] = store;
        } else if (kind === 2) {
          const target = stores[stores.length - 1]!;
          const { updateFbtSyncRules } = dataOf(
            await post<{ updateFbtSyncRules: { store: StoreView } }>(writeTo, RULES, {
              id: target.id,
              mode: 'WAIT_FOR_AWAITING_COLLECTION',
              tag: `FBT-${round}`,
            }),
          );
          const { store } = dataOf(
            await post<{ store: StoreView }>(readFrom, STORE, { id: target.id }),
          );
          expect(store.fbtSyncRules).toEqual({
            mode: 'WAIT_FOR_AWAITING_COLLECTION',
            orderTag: `FBT-${round}`,
          });
          expect(store).toEqual(updateFbtSyncRules.store);
        } else if (kind === 3) {
          const { recordTikTokOrder } = dataOf(
            await post<{ recordTikTokOrder: { order: OrderView } }>(writeTo, RECORD, {
              store: stores[stores.length - 1]!.id,
              tiktok: `RYW-${round}`,
              status: 'UNPAID',
              sku: 'CAP',
              at: new Date().toISOString(),
            }),
          );
          const { orderByTikTokId } = dataOf(
            await post<{ orderByTikTokId: OrderView | null }>(readFrom, BY_TIKTOK_ID, {
              store: stores[stores.length - 1]!.id,
              tiktok: `RYW-${round}`,
            }),
          );
          expect(orderByTikTokId).toEqual(recordTikTokOrder.order);
          orders.push(recordTikTokOrder.order);
        } else if (kind === 4) {
          const target = orders[orders.length - 1]!;
          const { recordTikTokOrderStatus } = dataOf(
            await post<{ recordTikTokOrderStatus: { order: OrderView } }>(writeTo, STATUS, {
              store: stores[stores.length - 1]!.id,
              tiktok: target.tiktokOrderId,
              status: 'CANCELLED',
              at: new Date().toISOString(),
            }),
          );
          const { order } = dataOf(
            await post<{ order: OrderView }>(readFrom, ORDER, { id: target.id }),
          );
          expect(order).toEqual(recordTikTokOrderStatus.order);
          expect(order).toMatchObject({ tiktokStatus: 'CANCELLED', syncStatus: 'CANCELLED' });
          // The log shows it too, to the last event.
          const { events } = dataOf(
            await post<{ events: { events: Array<{ streamVersion: number; type: string }> } }>(
              readFrom,
              EVENTS_OF,
              { stream: `order-${target.id}` },
            ),
          );
          expect(events.events[events.events.length - 1]!.streamVersion).toBe(order.version);
        } else {
          const id = failing.pop()!;
          const { retryOrderSync } = dataOf(
            await post<{ retryOrderSync: { order: OrderView } }>(writeTo, RETRY, { id }),
          );
          expect(retryOrderSync.order.syncStatus).toBe('PENDING');
          const { order } = dataOf(await post<{ order: OrderView }>(readFrom, ORDER, { id }));
          // The sync reactor may already have tried again (and failed): never older than the retry.
          expect(order.version).toBeGreaterThanOrEqual(retryOrderSync.order.version);
          if (order.version === retryOrderSync.order.version)
            expect(order).toEqual(retryOrderSync.order);
        }
        fresh++;
      }
    } finally {
      loading = false;
      await Promise.all(load);
    }
    expect(fresh).toBe(ROUNDS);
    expect(loaded).toBeGreaterThan(0);
  }, 300_000);
});

describe('stalled projections', () => {
  let database: TestDatabase;
  /** The API with no projections running anywhere: as when their leader is gone. */
  let stalled: GraphqlTestService;
  let storeId: string;

  beforeAll(async () => {
    database = await createTestDatabase(4);
    const writer = await startGraphqlTestService(database);
    const { connectStore } = dataOf(
      await post<{ connectStore: { store: StoreView } }>(writer.url, CONNECT, {
        name: 'Stalled',
        shop: 'ryw-stalled',
        domain: 'ryw-stalled.myshopify.com',
      }),
    );
    storeId = connectStore.store.id;
    await writer.caughtUp();
    await writer.stop();
    stalled = await startGraphqlTestService(database, {
      projections: false,
      env: { READ_CONSISTENCY_WAIT_MS: '300' },
    });
  }, 120_000);
  afterAll(async () => {
    await stalled.stop();
    await database.drop();
  });

  it('answer after the bounded wait with what is there, say so in extensions, and are fresh again once they move', async () => {
    const { url } = stalled;
    const recorded = await post<{ recordTikTokOrder: { order: OrderView } }>(url, RECORD, {
      store: storeId,
      tiktok: 'STALL-1',
      status: 'UNPAID',
      sku: 'MUG',
      at: new Date().toISOString(),
    });
    // The mutation's payload is the write itself, with no wait and no flag.
    const { recordTikTokOrder } = dataOf(recorded);
    expect(recordTikTokOrder.order.tiktokOrderId).toBe('STALL-1');

    const behind = await post<{ orderByTikTokId: OrderView | null }>(url, BY_TIKTOK_ID, {
      store: storeId,
      tiktok: 'STALL-1',
    });
    expect(behind.status).toBe(200);
    expect(behind.body.errors).toBeUndefined();
    expect(behind.body.data).toEqual({ orderByTikTokId: null });
    expect(behind.body.extensions).toEqual({ readModelsBehind: true });
    const metrics = await stalled.parts.registry.getSingleMetricAsString(
      'fbt_sync_graphql_reads_behind_total',
    );
    expect(metrics).toMatch(/^fbt_sync_graphql_reads_behind_total [1-9]/m);

    // A caller that asks for no wait gets what is there, without the flag.
    const eventual = await post(
      url,
      BY_TIKTOK_ID,
      { store: storeId, tiktok: 'STALL-1' },
      { 'read-consistency': 'eventual' },
    );
    expect(eventual.body).toEqual({ data: { orderByTikTokId: null } });
    // Reads of the log and of live status do not wait for the read models.
    const history = await post<{ events: { events: Array<{ type: string }> } }>(url, EVENTS_OF, {
      stream: `order-${recordTikTokOrder.order.id}`,
    });
    expect(dataOf(history).events.events.map((e) => e.type)).toContain('OrderPlaced');
    const status = await post<{ projections: Array<{ name: string; lag: number }> }>(
      url,
      '{ projections { name lag } }',
    );
    expect(dataOf(status).projections.find((p) => p.name === 'orders')!.lag).toBeGreaterThan(0);

    // The projections run again (another process leads them): fresh, with no flag.
    const runner = await startGraphqlTestService(database);
    try {
      const after = await post<{ orderByTikTokId: OrderView | null }>(url, BY_TIKTOK_ID, {
        store: storeId,
        tiktok: 'STALL-1',
      });
      expect(dataOf(after).orderByTikTokId).toEqual(recordTikTokOrder.order);
    } finally {
      await runner.stop();
    }
  }, 60_000);

  it('refuses a read-consistency header it does not know, writing nothing', async () => {
    const answer = await post(
      stalled.url,
      RECORD,
      {
        store: storeId,
        tiktok: 'HEADER-1',
        status: 'UNPAID',
        sku: 'MUG',
        at: new Date().toISOString(),
      },
      { 'read-consistency': 'sometimes' },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0]!.extensions!.code).toBe('BAD_REQUEST');
    expect(answer.body.errors![0]!.message).toMatch(/read-consistency/);
    const order = await post<{ orderByTikTokId: OrderView | null }>(stalled.url, BY_TIKTOK_ID, {
      store: storeId,
      tiktok: 'HEADER-1',
    });
    expect(dataOf(order).orderByTikTokId).toBeNull();
  });
});
