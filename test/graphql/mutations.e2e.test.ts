import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { orderIdFor, storeIdFor } from '../../src/commands/ids';
import { storeStreamId } from '../../src/domain/eventCatalog';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGraphqlTestService, type GraphqlTestService } from './graphqlTestService';
import { orderFacts, seedFailed, seedOrder, seedStore, seedWaitingStore } from './seed';

let database: TestDatabase;
let service: GraphqlTestService;
let waiting: string;
let woo: string;
let free: string;

beforeAll(async () => {
  database = await createTestDatabase();
  service = await startGraphqlTestService(database);
  waiting = await seedWaitingStore(service.commands, 'mutation-wait');
  woo = await seedStore(service.commands, 'mutation-woo', { platform: 'WOOCOMMERCE', plan: 'PRO' });
  free = await seedStore(service.commands, 'mutation-free', { plan: 'FREE' });
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

async function eventCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(
    database.db,
  );
  return rows[0]!.n;
}

/** A mutation's payload: its userErrors, and the objects it shows (checked with expect). */
type Payload = {
  userErrors: Array<{ field: string[] | null; message: string; code: string }>;
  store?: { id: string; version: number } | null;
} & Record<string, unknown>;

/** Runs a mutation that must fail: its payload's userErrors, after checking that nothing was written. */
async function refused(mutation: string, input: object): Promise<Payload['userErrors']> {
  const before = await eventCount();
  const response = await service.query<Record<string, Payload>>(MUTATIONS[mutation]!, { input });
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
  const payload = response.body.data![mutation]!;
  expect(payload.userErrors.length).toBeGreaterThan(0);
  expect(Object.entries(payload).filter(([k, v]) => k !== 'userErrors' && v !== null)).toEqual([]);
  expect(await eventCount()).toBe(before);
  return payload.userErrors;
}

async function succeeded(
  mutation: string,
  input: object,
  as?: Parameters<GraphqlTestService['query']>[2],
) {
  const response = await service.query<Record<string, Payload>>(
    MUTATIONS[mutation]!,
    { input },
    as,
  );
  expect(response.body.errors).toBeUndefined();
  const payload = response.body.data![mutation]!;
  expect(payload.userErrors).toEqual([]);
  return payload;
}

const STORE = `id name tiktokShopId platform shopDomain plan version createdAt availableFbtSyncModes
  fbtSyncRules { mode orderTag updatedAt updatedBy }`;
const ORDER = `id tiktokOrderId fulfillmentType isFbt tiktokStatus syncStatus blockedReason appliedFbtSyncMode
  tags lineItems { sku title quantity unitPrice } currency totalAmount placedAt version store { id name }`;
const ERRORS = 'userErrors { field message code }';

const MUTATIONS: Record<string, string> = {
  connectStore: `mutation($input: ConnectStoreInput!) { connectStore(input: $input) { store { ${STORE} } ${ERRORS} } }`,
  changeStorePlan: `mutation($input: ChangeStorePlanInput!) { changeStorePlan(input: $input) { store { ${STORE} } ${ERRORS} } }`,
  updateFbtSyncRules: `mutation($input: UpdateFbtSyncRulesInput!) { updateFbtSyncRules(input: $input) {
    store { ${STORE} } fbtSyncRules { mode orderTag updatedAt updatedBy } ${ERRORS} } }`,
  recordTikTokOrder: `mutation($input: RecordTikTokOrderInput!) { recordTikTokOrder(input: $input) { order { ${ORDER} } ${ERRORS} } }`,
  recordTikTokOrderStatus: `mutation($input: RecordTikTokOrderStatusInput!) { recordTikTokOrderStatus(input: $input) { order { ${ORDER} } ${ERRORS} } }`,
  retryOrderSync: `mutation($input: RetryOrderSyncInput!) { retryOrderSync(input: $input) { order { id syncStatus failureReason version } ${ERRORS} } }`,
};

describe('connectStore', () => {
  const input = {
    name: '  Acme  ',
    tiktokShopId: 'acme-1',
    platform: 'SHOPIFY',
    plan: 'PRO',
    shopDomain: 'Acme.myshopify.com',
  };

  it('connects a store and shows it as the command left it, the token subject as actor', async () => {
    const { store } = await succeeded('connectStore', input);
    expect(store).toEqual({
      id: storeIdFor('acme-1'),
      name: 'Acme',
      tiktokShopId: 'acme-1',
      platform: 'SHOPIFY',
      shopDomain: 'acme.myshopify.com',
      plan: 'PRO',
      version: 0,
      createdAt: expect.stringMatching(/Z$/),
      availableFbtSyncModes: ['SYNC_AND_DEDUCT_INVENTORY', 'WAIT_FOR_AWAITING_COLLECTION'],
      fbtSyncRules: {
        mode: 'SYNC_AND_DEDUCT_INVENTORY',
        orderTag: null,
        updatedAt: null,
        updatedBy: null,
      },
    });
    const { events } = await service.parts.eventStore.readStream(storeStreamId(store!.id));
    expect(events[0]!.data).toMatchObject({ connectedBy: 'test-admin' });
    expect(events[0]!.metadata).toMatchObject({
      actor: 'test-admin',
      correlationId: expect.any(String),
    });
  });

  it('refuses a shop that is already connected: ALREADY_EXISTS', async () => {
    expect(await refused('connectStore', { ...input, name: 'Again' })).toEqual([
      {
        field: ['input', 'tiktokShopId'],
        code: 'ALREADY_EXISTS',
        message: expect.stringContaining('already connected'),
      },
    ]);
  });

  it("reports every problem of the input at once, with the domain's messages: INVALID_INPUT", async () => {
    expect(
      await refused('connectStore', {
        name: ' ',
        tiktokShopId: 'new shop!',
        platform: 'SHOPIFY',
        plan: 'PRO',
      }),
    ).toEqual([
      { field: ['input', 'name'], code: 'INVALID_INPUT', message: expect.stringContaining('name') },
      {
        field: ['input', 'tiktokShopId'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('tiktokShopId'),
      },
      {
        field: ['input', 'shopDomain'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('required'),
      },
    ]);
    expect(await refused('connectStore', { ...input, tiktokShopId: 'x'.repeat(101) })).toEqual([
      {
        field: ['input', 'tiktokShopId'],
        code: 'INVALID_INPUT',
        message: 'tiktokShopId must be 1 to 100 characters',
      },
    ]);
  });
});

describe('changeStorePlan', () => {
  it('changes the plan; leaving PRO resets the rules, and the payload shows it', async () => {
    const storeId = await seedWaitingStore(service.commands, 'plan-change');
    const { store } = await succeeded('changeStorePlan', {
      storeId,
      plan: 'ESSENTIALS',
      expectedVersion: 1,
    });
    expect(store).toMatchObject({
      plan: 'ESSENTIALS',
      version: 3,
      availableFbtSyncModes: ['SYNC_AND_DEDUCT_INVENTORY'],
      fbtSyncRules: { mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: null, updatedBy: 'test-admin' },
    });
    const { events } = await service.parts.eventStore.readStream(storeStreamId(storeId));
    expect(events.map((e) => e.type)).toEqual([
      'StoreConnected',
      'FbtSyncRulesChanged',
      'StorePlanChanged',
      'FbtSyncRulesReset',
    ]);
  });

  it('refuses a stale expectedVersion: VERSION_CONFLICT', async () => {
    expect(
      await refused('changeStorePlan', { storeId: waiting, plan: 'FREE', expectedVersion: 0 }),
    ).toEqual([
      {
        field: ['input', 'expectedVersion'],
        code: 'VERSION_CONFLICT',
        message: expect.stringContaining('version 1'),
      },
    ]);
  });

  it('refuses a store that does not exist: NOT_FOUND, and a negative expectedVersion: INVALID_INPUT', async () => {
    expect(await refused('changeStorePlan', { storeId: 'nope', plan: 'FREE' })).toEqual([
      { field: ['input', 'storeId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
    expect(
      await refused('changeStorePlan', { storeId: waiting, plan: 'FREE', expectedVersion: -1 }),
    ).toEqual([
      { field: ['input', 'expectedVersion'], code: 'INVALID_INPUT', message: expect.any(String) },
    ]);
  });
});

describe('updateFbtSyncRules', () => {
  it('changes the rules, trimmed, and shows them as the command left them', async () => {
    const storeId = await seedStore(service.commands, 'rules-change');
    const payload = await succeeded('updateFbtSyncRules', {
      storeId,
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
      orderTag: '  tiktok-fbt ',
      expectedVersion: 0,
    });
    const rules = {
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
      orderTag: 'tiktok-fbt',
      updatedAt: expect.stringMatching(/Z$/),
      updatedBy: 'test-admin',
    };
    expect(payload.fbtSyncRules).toEqual(rules);
    expect(payload.store).toMatchObject({ id: storeId, version: 1, fbtSyncRules: rules });
    // The same rules again change nothing.
    const again = await succeeded('updateFbtSyncRules', {
      storeId,
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
      orderTag: 'tiktok-fbt',
    });
    expect(again.store!.version).toBe(1);
  });

  it('refuses a plan without FBT rules: PLAN_NOT_ELIGIBLE', async () => {
    expect(
      await refused('updateFbtSyncRules', { storeId: free, mode: 'WAIT_FOR_AWAITING_COLLECTION' }),
    ).toEqual([
      {
        field: ['input', 'mode'],
        code: 'PLAN_NOT_ELIGIBLE',
        message: expect.stringContaining('PRO or ENTERPRISE'),
      },
    ]);
  });

  it('refuses the waiting mode and tags off Shopify: PLATFORM_NOT_SUPPORTED', async () => {
    expect(
      await refused('updateFbtSyncRules', {
        storeId: woo,
        mode: 'WAIT_FOR_AWAITING_COLLECTION',
        orderTag: 'FBT',
      }),
    ).toEqual([
      {
        field: ['input', 'mode'],
        code: 'PLATFORM_NOT_SUPPORTED',
        message: expect.stringContaining('Shopify'),
      },
      {
        field: ['input', 'orderTag'],
        code: 'PLATFORM_NOT_SUPPORTED',
        message: expect.stringContaining('Shopify'),
      },
    ]);
  });

  it('refuses a tag with a comma (INVALID_INPUT), a stale version (VERSION_CONFLICT), an unknown store (NOT_FOUND)', async () => {
    expect(
      await refused('updateFbtSyncRules', {
        storeId: waiting,
        mode: 'WAIT_FOR_AWAITING_COLLECTION',
        orderTag: 'a,b',
      }),
    ).toEqual([
      {
        field: ['input', 'orderTag'],
        code: 'INVALID_INPUT',
        message: 'orderTag must not contain a comma',
      },
    ]);
    expect(
      await refused('updateFbtSyncRules', {
        storeId: waiting,
        mode: 'SYNC_AND_DEDUCT_INVENTORY',
        expectedVersion: 7,
      }),
    ).toEqual([
      {
        field: ['input', 'expectedVersion'],
        code: 'VERSION_CONFLICT',
        message: expect.any(String),
      },
    ]);
    expect(
      await refused('updateFbtSyncRules', { storeId: 'nope', mode: 'SYNC_AND_DEDUCT_INVENTORY' }),
    ).toEqual([{ field: ['input', 'storeId'], code: 'NOT_FOUND', message: 'no such store' }]);
  });
});

describe('recordTikTokOrder', () => {
  it('records an order, decided under the store rules, and shows it at once (read-your-writes)', async () => {
    const { order } = await succeeded('recordTikTokOrder', {
      ...orderFacts(waiting, 'R1'),
      placedAt: '2026-11-28T11:15:00+01:00',
      lineItems: [{ sku: 'MUG', title: 'Mug', quantity: 3, unitPrice: '12.5' }],
    });
    expect(order).toEqual({
      id: orderIdFor(waiting, 'R1'),
      tiktokOrderId: 'R1',
      fulfillmentType: 'FULFILLED_BY_TIKTOK',
      isFbt: true,
      tiktokStatus: 'AWAITING_SHIPMENT',
      syncStatus: 'BLOCKED',
      blockedReason: expect.stringContaining('AWAITING_COLLECTION'),
      appliedFbtSyncMode: 'WAIT_FOR_AWAITING_COLLECTION',
      tags: [],
      lineItems: [{ sku: 'MUG', title: 'Mug', quantity: 3, unitPrice: '12.50' }],
      currency: 'USD',
      totalAmount: '37.50',
      placedAt: '2026-11-28T10:15:00.000Z',
      version: 1,
      store: { id: waiting, name: 'Shop mutation-wait' },
    });
  });

  it("shows the order's store even before the read models have it (folded from its stream)", async () => {
    // A database no projection runs on: the stores read model never hears of this store.
    const behind = await createTestDatabase();
    const readModelsBehind = await startGraphqlTestService(behind, { projections: false });
    try {
      const connect = await readModelsBehind.query<{ connectStore: Payload }>(
        MUTATIONS.connectStore!,
        {
          input: { name: 'Fresh', tiktokShopId: 'fresh-1', platform: 'WIX', plan: 'FREE' },
        },
      );
      const storeId = connect.body.data!.connectStore.store!.id;
      const record = await readModelsBehind.query<{ recordTikTokOrder: Payload }>(
        MUTATIONS.recordTikTokOrder!,
        { input: orderFacts(storeId, 'FRESH1') },
      );
      expect(record.body.data!.recordTikTokOrder).toMatchObject({
        order: {
          tiktokOrderId: 'FRESH1',
          syncStatus: 'PENDING',
          store: { id: storeId, name: 'Fresh' },
        },
        userErrors: [],
      });
      expect(await behind.db.selectFrom('stores').selectAll().execute()).toEqual([]);
    } finally {
      await readModelsBehind.stop();
      await behind.drop();
    }
  });

  it('is idempotent: the same order again writes nothing and shows the same order', async () => {
    const first = await succeeded('recordTikTokOrder', orderFacts(waiting, 'R2'));
    const before = await eventCount();
    const again = await succeeded('recordTikTokOrder', orderFacts(waiting, 'R2'));
    expect(again.order).toEqual(first.order);
    expect(await eventCount()).toBe(before);
  });

  it('refuses what the edge can tell is malformed, naming each field: INVALID_INPUT', async () => {
    expect(
      await refused('recordTikTokOrder', {
        ...orderFacts('', 'R3'),
        currency: 'usd',
        placedAt: '2026-02-30T10:00:00Z',
        lineItems: [
          { sku: 'A', quantity: 1, unitPrice: '-1' },
          { sku: 'B', quantity: 1, unitPrice: '1e3' },
        ],
      }),
    ).toEqual([
      {
        field: ['input', 'storeId'],
        code: 'INVALID_INPUT',
        message: 'storeId must be 1 to 100 characters',
      },
      {
        field: ['input', 'currency'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('ISO 4217'),
      },
      {
        field: ['input', 'placedAt'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('ISO-8601'),
      },
      {
        field: ['input', 'lineItems', '0', 'unitPrice'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('decimal'),
      },
      {
        field: ['input', 'lineItems', '1', 'unitPrice'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('decimal'),
      },
    ]);
  });

  it("refuses what breaks the domain's rules, naming each field: INVALID_INPUT", async () => {
    expect(
      await refused('recordTikTokOrder', {
        ...orderFacts(waiting, 'bad id!'),
        lineItems: [
          { sku: 'A', quantity: 0, unitPrice: '1.00' },
          { sku: 'B', quantity: 10_001, unitPrice: '1.999' },
        ],
      }),
    ).toEqual([
      { field: ['input', 'tiktokOrderId'], code: 'INVALID_INPUT', message: expect.any(String) },
      {
        field: ['input', 'lineItems', '0', 'quantity'],
        code: 'INVALID_INPUT',
        message: 'quantity must be a whole number from 1 to 10,000',
      },
      {
        field: ['input', 'lineItems', '1', 'quantity'],
        code: 'INVALID_INPUT',
        message: 'quantity must be a whole number from 1 to 10,000',
      },
      {
        field: ['input', 'lineItems', '1', 'unitPrice'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('at most 2 decimal places'),
      },
    ]);
    const tooMany = Array.from({ length: 251 }, (_, i) => ({
      sku: `S${i}`,
      quantity: 1,
      unitPrice: '1.00',
    }));
    expect(
      await refused('recordTikTokOrder', { ...orderFacts(waiting, 'R4'), lineItems: tooMany }),
    ).toEqual([
      {
        field: ['input', 'lineItems'],
        code: 'INVALID_INPUT',
        message: 'an order has 1 to 250 line items, got 251',
      },
    ]);
    expect(
      await refused('recordTikTokOrder', { ...orderFacts(waiting, 'R4'), lineItems: [] }),
    ).toEqual([
      {
        field: ['input', 'lineItems'],
        code: 'INVALID_INPUT',
        message: 'an order has 1 to 250 line items, got 0',
      },
    ]);
    expect(
      await refused('recordTikTokOrder', { ...orderFacts(waiting, 'R4'), currency: 'XYZ' }),
    ).toEqual([
      {
        field: ['input', 'currency'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('ISO 4217'),
      },
    ]);
  });

  it('refuses a store that does not exist: NOT_FOUND', async () => {
    expect(await refused('recordTikTokOrder', orderFacts('nope', 'R5'))).toEqual([
      { field: ['input', 'storeId'], code: 'NOT_FOUND', message: 'no store with id nope' },
    ]);
  });

  it('refuses a float where a Decimal string belongs, as a request error', async () => {
    const response = await service.query(MUTATIONS.recordTikTokOrder!, {
      input: {
        ...orderFacts(waiting, 'R6'),
        lineItems: [{ sku: 'A', quantity: 1, unitPrice: 19.9 }],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors![0]!.message).toContain('Decimal must be a string such as "19.90"');
  });
});

describe('recordTikTokOrderStatus', () => {
  it('moves an order on, and shows it as the command left it', async () => {
    await seedOrder(service.commands, waiting, 'S1');
    const { order } = await succeeded('recordTikTokOrderStatus', {
      storeId: waiting,
      tiktokOrderId: 'S1',
      status: 'AWAITING_COLLECTION',
      changedAt: '2026-11-29T08:00:00-05:00',
    });
    // Unblocked: due for sync now, as FULFILLED with the store's tag.
    expect(order).toMatchObject({
      tiktokStatus: 'AWAITING_COLLECTION',
      syncStatus: 'PENDING',
      blockedReason: null,
      version: 3,
    });
  });

  it('treats a duplicate or stale status as a no-op', async () => {
    for (const status of ['AWAITING_COLLECTION', 'AWAITING_SHIPMENT']) {
      const before = await eventCount();
      const { order } = await succeeded('recordTikTokOrderStatus', {
        storeId: waiting,
        tiktokOrderId: 'S1',
        status,
        changedAt: '2026-11-29T09:00:00Z',
      });
      expect(order).toMatchObject({ tiktokStatus: 'AWAITING_COLLECTION', version: 3 });
      expect(await eventCount()).toBe(before);
    }
  });

  it('refuses an unknown order (NOT_FOUND) and a malformed instant (INVALID_INPUT)', async () => {
    expect(
      await refused('recordTikTokOrderStatus', {
        storeId: waiting,
        tiktokOrderId: 'nope',
        status: 'IN_TRANSIT',
        changedAt: '2026-11-29T09:00:00Z',
      }),
    ).toEqual([
      {
        field: ['input', 'tiktokOrderId'],
        code: 'NOT_FOUND',
        message: expect.stringContaining('no order'),
      },
    ]);
    expect(
      await refused('recordTikTokOrderStatus', {
        storeId: waiting,
        tiktokOrderId: 'S1',
        status: 'IN_TRANSIT',
        changedAt: '2026-11-29 09:00',
      }),
    ).toEqual([
      {
        field: ['input', 'changedAt'],
        code: 'INVALID_INPUT',
        message: expect.stringContaining('ISO-8601'),
      },
    ]);
  });
});

describe('retryOrderSync', () => {
  it('queues a FAILED order again', async () => {
    const orderId = await seedOrder(service.commands, woo, 'F1', {
      fulfillmentType: 'FULFILLED_BY_SELLER',
    });
    await seedFailed(service.commands, orderId);
    const { order } = await succeeded('retryOrderSync', { orderId });
    expect(order).toEqual({
      id: orderId,
      syncStatus: 'PENDING',
      failureReason: 'the platform refused the order',
      version: 4,
    });
    const { events } = await service.parts.eventStore.readStream(`order-${orderId}`);
    expect(events[events.length - 1]).toMatchObject({
      type: 'OrderSyncRequested',
      data: { requestedBy: 'test-admin' },
      metadata: { actor: 'test-admin' },
    });
  });

  it('refuses an order that has not failed (INVALID_STATE) and one that does not exist (NOT_FOUND)', async () => {
    const orderId = await seedOrder(service.commands, woo, 'F2');
    expect(await refused('retryOrderSync', { orderId })).toEqual([
      {
        field: ['input', 'orderId'],
        code: 'INVALID_STATE',
        message: expect.stringContaining('only a FAILED order'),
      },
    ]);
    expect(await refused('retryOrderSync', { orderId: 'nope' })).toEqual([
      { field: ['input', 'orderId'], code: 'NOT_FOUND', message: 'no order nope' },
    ]);
  });
});
