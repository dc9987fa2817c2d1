import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderIdFor } from '../../src/commands/ids';
import { recordTikTokOrderStatus } from '../../src/commands/orderCommands';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGraphqlTestService, type GraphqlTestService } from './graphqlTestService';
import { seedFailed, seedOrder, seedStore, seedSynced, seedWaitingStore } from './seed';

let database: TestDatabase;
let service: GraphqlTestService;
let waiting: string; // Shopify PRO, WAIT_FOR_AWAITING_COLLECTION, tag FBT
let woo: string; // WooCommerce FREE
let deducting: string; // Shopify ENTERPRISE, default rule

/** The waiting store's orders, as the test placed them. */
const placed: Array<{
  tiktokOrderId: string;
  placedAt: string;
  fulfillmentType: 'FULFILLED_BY_TIKTOK' | 'FULFILLED_BY_SELLER';
  syncStatus: string;
  tiktokStatus: string;
}> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  service = await startGraphqlTestService(database);
  const { commands } = service;
  waiting = await seedWaitingStore(commands, 'query-wait');
  woo = await seedStore(commands, 'query-woo', { platform: 'WOOCOMMERCE', plan: 'FREE' });
  deducting = await seedStore(commands, 'query-deduct', { plan: 'ENTERPRISE' });

  const spec = [
    // FBT, placed before AWAITING_COLLECTION under the waiting rule: BLOCKED, paid or not.
    ['W1', '2026-11-01T10:00:00.000Z', 'FULFILLED_BY_TIKTOK', 'AWAITING_SHIPMENT', 'BLOCKED'],
    ['W2', '2026-11-02T10:00:00.000Z', 'FULFILLED_BY_TIKTOK', 'UNPAID', 'BLOCKED'],
    // Two orders placed at the same instant: the id breaks the tie.
    ['W3', '2026-11-03T10:00:00.000Z', 'FULFILLED_BY_SELLER', 'AWAITING_SHIPMENT', 'PENDING'],
    ['W4', '2026-11-03T10:00:00.000Z', 'FULFILLED_BY_TIKTOK', 'AWAITING_SHIPMENT', 'BLOCKED'],
    ['W5', '2026-11-04T10:00:00.000Z', 'FULFILLED_BY_TIKTOK', 'AWAITING_COLLECTION', 'SYNCED'],
    ['W6', '2026-11-05T10:00:00.000Z', 'FULFILLED_BY_SELLER', 'AWAITING_SHIPMENT', 'FAILED'],
    ['W7', '2026-11-06T10:00:00.000Z', 'FULFILLED_BY_SELLER', 'UNPAID', 'CANCELLED'],
  ] as const;
  for (const [tiktokOrderId, placedAt, fulfillmentType, status, syncStatus] of spec) {
    const orderId = await seedOrder(commands, waiting, tiktokOrderId, {
      placedAt,
      fulfillmentType,
      status,
      lineItems: [
        { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '12.50' },
        { sku: 'CAP', title: null, quantity: 1, unitPrice: '9.90' },
      ],
    });
    if (syncStatus === 'SYNCED') await seedSynced(commands, orderId);
    if (syncStatus === 'FAILED') await seedFailed(commands, orderId);
    if (syncStatus === 'CANCELLED')
      await recordTikTokOrderStatus(commands, {
        storeId: waiting,
        tiktokOrderId,
        status: 'CANCELLED',
        changedAt: '2026-11-07T00:00:00.000Z',
      });
    placed.push({
      tiktokOrderId,
      placedAt,
      fulfillmentType,
      syncStatus,
      tiktokStatus: syncStatus === 'CANCELLED' ? 'CANCELLED' : status,
    });
  }
  await seedOrder(commands, woo, 'X1', { fulfillmentType: 'FULFILLED_BY_SELLER' });
  await service.caughtUp();
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

/** Newest first: placedAt descending, then id descending. */
function newestFirst(orders: typeof placed) {
  return [...orders]
    .map((o) => ({ ...o, id: orderIdFor(waiting, o.tiktokOrderId) }))
    .sort((a, b) =>
      a.placedAt === b.placedAt ? (a.id < b.id ? 1 : -1) : a.placedAt < b.placedAt ? 1 : -1,
    )
    .map((o) => o.tiktokOrderId);
}

interface StoresPage {
  stores: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string } }>;
  };
}

const ORDERS = `query Orders($id: ID!, $first: Int, $after: String, $filter: OrderFilter) {
  store(id: $id) {
    orders(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { tiktokOrderId } }
    }
  }
}`;

interface OrdersPage {
  store: {
    orders: {
      totalCount: number;
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
      edges: Array<{ cursor: string; node: { tiktokOrderId: string } }>;
    };
  };
}

async function ordersPage(variables: Record<string, unknown>) {
  const response = await service.query<OrdersPage>(ORDERS, { id: waiting, ...variables });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.store.orders;
}

/** Every page, following endCursor, with the filter: the TikTok order ids in order, and each page's totalCount. */
async function allPages(filter: Record<string, unknown> | undefined, first = 2) {
  const ids: string[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const page: OrdersPage['store']['orders'] = await ordersPage({ first, after, filter });
    ids.push(...page.edges.map((e) => e.node.tiktokOrderId));
    totals.add(page.totalCount);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!page.pageInfo.hasNextPage) return { ids, totals: [...totals] };
    after = page.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

describe('stores', () => {
  it('lists every store oldest first, page by page, with the total on every page', async () => {
    const QUERY = `query($first: Int, $after: String) { stores(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`;
    const first = await service.query<StoresPage>(QUERY, { first: 2 });
    expect(first.body.data!.stores).toEqual({
      totalCount: 3,
      pageInfo: {
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: expect.any(String),
        endCursor: first.body.data!.stores.edges[1]!.cursor,
      },
      edges: [
        { cursor: expect.any(String), node: { id: waiting } },
        { cursor: expect.any(String), node: { id: woo } },
      ],
    });
    const second = await service.query(QUERY, {
      first: 2,
      after: first.body.data!.stores.pageInfo.endCursor,
    });
    expect(second.body.data!.stores).toMatchObject({
      totalCount: 3,
      pageInfo: { hasNextPage: false, hasPreviousPage: true },
      edges: [{ node: { id: deducting } }],
    });
    const none = await service.query(QUERY, { first: 0 });
    expect(none.body.data!.stores).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: true, startCursor: null, endCursor: null },
    });
  });

  it('defaults first to 20 (also when it is null)', async () => {
    for (const query of [
      '{ stores { edges { node { id } } } }',
      '{ stores(first: null) { edges { node { id } } } }',
    ])
      expect((await service.query<StoresPage>(query)).body.data!.stores.edges).toHaveLength(3);
  });

  it('refuses a cursor that is not one of this list', async () => {
    const orderCursor = (await ordersPage({ first: 1 })).pageInfo.endCursor;
    for (const after of ['nonsense', orderCursor]) {
      const response = await service.query(
        'query($after: String) { stores(after: $after) { totalCount } }',
        { after },
      );
      expect(response.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('store', () => {
  it('shows a store with its rules, the modes it may choose, its version and counts', async () => {
    const response = await service.query(
      `query($id: ID!) { store(id: $id) { id name tiktokShopId platform shopDomain plan version createdAt
        fbtSyncRules { mode orderTag updatedAt updatedBy } availableFbtSyncModes
        orderCounts { pending blocked synced failed cancelled } } }`,
      { id: waiting },
    );
    expect(response.body.data!.store).toEqual({
      id: waiting,
      name: 'Shop query-wait',
      tiktokShopId: 'query-wait',
      platform: 'SHOPIFY',
      shopDomain: 'query-wait.myshopify.com',
      plan: 'PRO',
      version: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      fbtSyncRules: {
        mode: 'WAIT_FOR_AWAITING_COLLECTION',
        orderTag: 'FBT',
        updatedAt: expect.stringMatching(/Z$/),
        updatedBy: 'test',
      },
      availableFbtSyncModes: ['SYNC_AND_DEDUCT_INVENTORY', 'WAIT_FOR_AWAITING_COLLECTION'],
      orderCounts: { pending: 1, blocked: 3, synced: 1, failed: 1, cancelled: 1 },
    });
  });

  it('offers only the default mode off Shopify or below PRO, and counts 0 for a store without orders', async () => {
    const response = await service.query(
      `query($woo: ID!, $deducting: ID!) {
        woo: store(id: $woo) { availableFbtSyncModes fbtSyncRules { mode orderTag updatedAt updatedBy } }
        deducting: store(id: $deducting) { availableFbtSyncModes orderCounts { pending blocked synced failed cancelled } } }`,
      { woo, deducting },
    );
    expect(response.body.data).toEqual({
      woo: {
        availableFbtSyncModes: ['SYNC_AND_DEDUCT_INVENTORY'],
        fbtSyncRules: {
          mode: 'SYNC_AND_DEDUCT_INVENTORY',
          orderTag: null,
          updatedAt: null,
          updatedBy: null,
        },
      },
      deducting: {
        availableFbtSyncModes: ['SYNC_AND_DEDUCT_INVENTORY', 'WAIT_FOR_AWAITING_COLLECTION'],
        orderCounts: { pending: 0, blocked: 0, synced: 0, failed: 0, cancelled: 0 },
      },
    });
  });

  it('is null for an id that names no store', async () => {
    for (const id of ['nope', 'x'.repeat(500)])
      expect(
        (await service.query('query($id: ID!) { store(id: $id) { id } }', { id })).body,
      ).toEqual({
        data: { store: null },
      });
  });

  it('shows the inventory its synced orders deducted, all or some SKUs', async () => {
    const QUERY = `query($id: ID!, $skus: [String!]) { store(id: $id) { inventoryDeductions(skus: $skus) { sku location quantity } } }`;
    type Deductions = { store: { inventoryDeductions: unknown } };
    const all = await service.query<Deductions>(QUERY, { id: waiting });
    expect(all.body.errors).toBeUndefined();
    // W5 was synced under the waiting rule: TikTok Shop's inventory.
    expect(all.body.data!.store.inventoryDeductions).toEqual([
      { sku: 'CAP', location: 'TIKTOK_SHOP', quantity: 1 },
      { sku: 'MUG-RED', location: 'TIKTOK_SHOP', quantity: 2 },
    ]);
    const some = await service.query<Deductions>(QUERY, { id: waiting, skus: ['MUG-RED', 'NONE'] });
    expect(some.body.data!.store.inventoryDeductions).toEqual([
      { sku: 'MUG-RED', location: 'TIKTOK_SHOP', quantity: 2 },
    ]);
    const none = await service.query<Deductions>(QUERY, { id: waiting, skus: [] });
    expect(none.body.data!.store.inventoryDeductions).toEqual([]);
    const tooMany = await service.query(QUERY, {
      id: waiting,
      skus: Array.from({ length: 101 }, (_, i) => `S${i}`),
    });
    expect(tooMany.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe("a store's orders", () => {
  it('lists them newest first (placedAt, then id), each exactly once across pages', async () => {
    const { ids, totals } = await allPages(undefined, 2);
    expect(ids).toEqual(newestFirst(placed));
    expect(totals).toEqual([7]);
    const page = await ordersPage({ first: 100 });
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(page.edges.map((e) => e.node.tiktokOrderId)).toEqual(ids);
  });

  it.each([
    [{ syncStatus: ['BLOCKED'] }, (o: (typeof placed)[number]) => o.syncStatus === 'BLOCKED'],
    [
      { syncStatus: ['PENDING', 'FAILED', 'PENDING'] },
      (o: (typeof placed)[number]) => ['PENDING', 'FAILED'].includes(o.syncStatus),
    ],
    [{ syncStatus: [] }, () => false],
    [
      { tiktokStatus: ['AWAITING_SHIPMENT'] },
      (o: (typeof placed)[number]) => o.tiktokStatus === 'AWAITING_SHIPMENT',
    ],
    [
      { fulfillmentType: 'FULFILLED_BY_SELLER' },
      (o: (typeof placed)[number]) => o.fulfillmentType === 'FULFILLED_BY_SELLER',
    ],
    [{ tiktokOrderId: 'W4' }, (o: (typeof placed)[number]) => o.tiktokOrderId === 'W4'],
    // Instants with an offset: 2026-11-03T11:00+01:00 is 10:00Z, and both bounds are exclusive.
    [
      { placedAfter: '2026-11-02T10:00:00.000Z', placedBefore: '2026-11-05T11:00:00+01:00' },
      (o: (typeof placed)[number]) =>
        o.placedAt > '2026-11-02T10:00:00.000Z' && o.placedAt < '2026-11-05T10:00:00.000Z',
    ],
    [
      {
        fulfillmentType: 'FULFILLED_BY_TIKTOK',
        syncStatus: ['BLOCKED', 'SYNCED'],
        placedBefore: '2026-11-04T00:00:00Z',
      },
      (o: (typeof placed)[number]) =>
        o.fulfillmentType === 'FULFILLED_BY_TIKTOK' &&
        ['BLOCKED', 'SYNCED'].includes(o.syncStatus) &&
        o.placedAt < '2026-11-04',
    ],
  ])('filters by %j, with its totalCount', async (filter, matches) => {
    const expected = newestFirst(placed.filter(matches));
    const { ids, totals } = await allPages(filter, 2);
    expect(ids).toEqual(expected);
    expect(totals).toEqual([expected.length]);
  });

  it('refuses first above 100 or below 0, a malformed instant and a foreign cursor', async () => {
    for (const variables of [
      { first: 101 },
      { first: -1 },
      { filter: { placedAfter: '2026-02-30T00:00:00Z' } },
      { filter: { placedBefore: 'yesterday' } },
      { after: 'b3JkZXI6eDp5' },
    ]) {
      const response = await service.query(ORDERS, { id: waiting, ...variables });
      expect(response.body.errors).toHaveLength(1);
      expect(response.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(response.body.data).toEqual({ store: null });
    }
  });
});

const ORDER_FIELDS = `id tiktokOrderId fulfillmentType isFbt tiktokStatus syncStatus blockedReason failureReason
  syncAttempts appliedFbtSyncMode platformOrderId platformOrderStatus tags inventoryDeductedFrom
  lineItems { sku title quantity unitPrice } currency totalAmount placedAt syncedAt updatedAt version
  store { id name } history { globalPosition streamId streamVersion type data metadata recordedAt }`;

describe('order and orderByTikTokId', () => {
  it('show every field of an order, its store and its history oldest first', async () => {
    const id = orderIdFor(waiting, 'W5');
    const response = await service.query<{
      order: { history: Array<{ type: string; streamVersion: number }> };
    }>(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, {
      id,
    });
    expect(response.body.errors).toBeUndefined();
    const order = response.body.data!.order;
    expect(order).toEqual({
      id,
      tiktokOrderId: 'W5',
      fulfillmentType: 'FULFILLED_BY_TIKTOK',
      isFbt: true,
      tiktokStatus: 'AWAITING_COLLECTION',
      syncStatus: 'SYNCED',
      blockedReason: null,
      failureReason: null,
      syncAttempts: 1,
      appliedFbtSyncMode: 'WAIT_FOR_AWAITING_COLLECTION',
      platformOrderId: expect.stringMatching(/^P-/),
      platformOrderStatus: 'FULFILLED',
      tags: ['FBT'],
      inventoryDeductedFrom: 'TIKTOK_SHOP',
      lineItems: [
        { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '12.50' },
        { sku: 'CAP', title: null, quantity: 1, unitPrice: '9.90' },
      ],
      currency: 'USD',
      totalAmount: '34.90',
      placedAt: '2026-11-04T10:00:00.000Z',
      syncedAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
      version: 4,
      store: { id: waiting, name: 'Shop query-wait' },
      history: expect.any(Array),
    });
    expect(order.history.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'OrderSyncRequested',
      'OrderSyncStarted',
      'OrderSynced',
      'InventoryDeducted',
    ]);
    expect(order.history.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4]);
    expect(order.history[0]).toMatchObject({
      streamId: `order-${id}`,
      globalPosition: expect.stringMatching(/^\d+$/),
      data: { orderId: id, tiktokOrderId: 'W5', storeId: waiting },
      metadata: { actor: 'test', correlationId: 'graphql-test', schemaVersion: 2 },
    });
  });

  it('finds an order by its store and TikTok order id', async () => {
    const QUERY = `query($storeId: ID!, $tiktokOrderId: String!) { orderByTikTokId(storeId: $storeId, tiktokOrderId: $tiktokOrderId) { id blockedReason syncStatus } }`;
    const found = await service.query(QUERY, { storeId: waiting, tiktokOrderId: 'W1' });
    expect(found.body.data!.orderByTikTokId).toEqual({
      id: orderIdFor(waiting, 'W1'),
      blockedReason: expect.stringContaining('AWAITING_COLLECTION'),
      syncStatus: 'BLOCKED',
    });
    for (const variables of [
      { storeId: woo, tiktokOrderId: 'W1' },
      { storeId: waiting, tiktokOrderId: 'nope' },
    ])
      expect((await service.query(QUERY, variables)).body).toEqual({
        data: { orderByTikTokId: null },
      });
  });

  it('is null for an id that names no order', async () => {
    expect((await service.query('{ order(id: "nope") { id } }')).body).toEqual({
      data: { order: null },
    });
  });

  it('shows why an order failed', async () => {
    const response = await service.query(
      `query($id: ID!) { order(id: $id) { syncStatus failureReason syncAttempts platformOrderId } }`,
      { id: orderIdFor(waiting, 'W6') },
    );
    expect(response.body.data!.order).toEqual({
      syncStatus: 'FAILED',
      failureReason: 'the platform refused the order',
      syncAttempts: 1,
      platformOrderId: null,
    });
  });
});
