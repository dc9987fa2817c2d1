import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ServeProcess, startServe, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
} from '../support/fakeTikTokShop';
import {
  createFbtSyncApi,
  eventually,
  type FbtSyncApi,
  type LineItemView,
  type OrderView,
  type StoreView,
  type SyncStatus,
} from './fbtSyncApi';
import { type PlatformSide, type PlatformStore, sandboxSide, shopifySide } from './platformSide';
import { syncReactorHasRead } from './syncReactorHasRead';
import {
  deliverWebhook,
  inboxState,
  orderStatusNotification,
  signatureOf,
  type TikTokAppCredentials,
} from './tiktokShopWebhooks';
import { writtenRows } from '../webhooks/webhookTestService';

/**
 * Every row of docs/fbt-sync-rules.md, end to end: a real `serve` process
 * (the compiled dist/: `npx tsc -p tsconfig.build.json` first), driven only
 * through its HTTP surface (GraphQL and the TikTok Shop webhook route), and
 * the platform it syncs into read from outside: the sandbox's tables, or the
 * orders the fake Shopify recorded. Once per platform.
 */

const AUTH_SECRET = 'e2e-decision-table-secret-0123456789abcdef';
const TIKTOK: TikTokAppCredentials = {
  appKey: '6e2e0decision',
  appSecret: 'e2e-decision-table-app-secret-0123456789',
  accessToken: 'TTP_e2e_decision_table_token',
};

const LINE_ITEMS: LineItemView[] = [
  { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '12.50' },
  { sku: 'CAP-BLUE', title: 'Blue cap', quantity: 1, unitPrice: '9.90' },
];
const SKUS = LINE_ITEMS.map((line) => line.sku);

type Wanted = {
  platformOrderStatus: 'AWAITING_SHIPMENT' | 'FULFILLED';
  inventoryBehaviour: 'DECREMENT_OBEYING_POLICY' | 'BYPASS';
  inventoryDeductedFrom: 'ECOMMERCE_PLATFORM' | 'TIKTOK_SHOP';
  tags: string[];
};

const DEDUCTED_ON_THE_PLATFORM = {
  platformOrderStatus: 'AWAITING_SHIPMENT',
  inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
  inventoryDeductedFrom: 'ECOMMERCE_PLATFORM',
} as const;
const FULFILLED_BY_TIKTOK_SHOP = {
  platformOrderStatus: 'FULFILLED',
  inventoryBehaviour: 'BYPASS',
  inventoryDeductedFrom: 'TIKTOK_SHOP',
} as const;

interface TestStore extends PlatformStore {
  view: StoreView;
  /** The platform's stock per SKU when the store was connected. */
  initialStock: Map<string, number>;
}

const types = (order: OrderView) => order.history.map((event) => event.type);
const count = (order: OrderView, type: string) => types(order).filter((t) => t === type).length;
/** The status changes in an order's history: [event type, from, to]. */
const statusChanges = (order: OrderView) =>
  order.history
    .filter((e) => e.type === 'FbtStatusChanged' || e.type === 'OrderStatusChanged')
    .map((e) => [e.type, e.data.from, e.data.to]);

describe.each([
  ['the sandbox', sandboxSide],
  ['the fake Shopify', () => shopifySide()],
])('the FBT decision table end to end through HTTP, syncing into %s', (_name, startSide) => {
  let database: TestDatabase;
  let side: PlatformSide;
  let tiktokShop: FakeTikTokShop;
  let serve: ServeProcess;
  let api: FbtSyncApi;

  beforeAll(async () => {
    database = await createTestDatabase(2);
    side = await startSide(database);
    tiktokShop = await startFakeTikTokShop(TIKTOK);
    serve = await startServe({
      ...side.env,
      DATABASE_URL: database.url,
      DATA_DIR: tempDataDir(),
      AUTH_SECRET,
      TIKTOK_APP_KEY: TIKTOK.appKey,
      TIKTOK_APP_SECRET: TIKTOK.appSecret,
      TIKTOK_ACCESS_TOKEN: TIKTOK.accessToken,
      TIKTOK_API_BASE_URL: tiktokShop.baseUrl,
      // Only an unexpected transient failure would retry; it should not cost the test seconds.
      SYNC_RETRY_BASE_MS: '50',
      SYNC_RETRY_MAX_MS: '500',
    });
    api = createFbtSyncApi(serve.url, AUTH_SECRET);
  });
  afterAll(async () => {
    const code = await serve?.stop('SIGTERM');
    const refusedAsInvalid = side?.validationFailures() ?? [];
    await tiktokShop?.close();
    await side?.close();
    await database?.drop();
    expect(code).toBe(0);
    expect(refusedAsInvalid).toEqual([]);
  });

  let stores = 0;
  /** A store of its own per test, so its platform orders, stock and deductions are the test's alone. */
  async function connectStore({
    plan = 'PRO',
    platform = 'SHOPIFY',
    mode,
    orderTag,
  }: {
    plan?: string;
    platform?: string;
    mode?: string;
    orderTag?: string;
  } = {}): Promise<TestStore> {
    const n = ++stores;
    // Digits, as TikTok Shop's shop ids are: the webhook tests address the store by it.
    const tiktokShopId = `74940${side.name === 'sandbox' ? 1 : 2}${String(n).padStart(8, '0')}`;
    const shopDomain = platform === 'SHOPIFY' ? `e2e-${side.name}-${n}.myshopify.com` : null;
    let view = await api.connectStore({
      name: `E2E ${side.name} ${n}`,
      tiktokShopId,
      platform,
      plan,
      shopDomain,
    });
    if (mode !== undefined || orderTag !== undefined) {
      const { userErrors } = await api.updateFbtSyncRules({
        storeId: view.id,
        mode: mode ?? 'SYNC_AND_DEDUCT_INVENTORY',
        orderTag: orderTag ?? null,
      });
      expect(userErrors).toEqual([]);
      await api.untilProjectionsCaughtUp();
      view = (await api.store(view.id))!;
    }
    const store = { storeId: view.id, shopDomain };
    if (platform === 'SHOPIFY' || side.takesNonShopifyStores) side.stock(store, SKUS);
    const initialStock = new Map<string, number>();
    if (platform === 'SHOPIFY' || side.takesNonShopifyStores) {
      for (const sku of SKUS) initialStock.set(sku, await side.stockOf(store, sku));
    }
    return { ...store, view, initialStock };
  }

  let orderNumbers = 0;
  function placeOrder(
    store: TestStore,
    {
      fulfillmentType = 'FULFILLED_BY_TIKTOK',
      status = 'AWAITING_SHIPMENT',
    }: { fulfillmentType?: OrderView['fulfillmentType']; status?: string } = {},
  ): Promise<OrderView> {
    return api.recordTikTokOrder({
      storeId: store.storeId,
      tiktokOrderId: `57700${side.name === 'sandbox' ? 1 : 2}${String(++orderNumbers).padStart(10, '0')}`,
      fulfillmentType,
      status,
      lineItems: LINE_ITEMS,
      currency: 'USD',
      // A minute ago: Shopify refuses a processedAt in the future.
      placedAt: new Date(Date.now() - 60_000).toISOString(),
    });
  }

  const moveTo = (store: TestStore, order: OrderView, status: string) =>
    api.recordTikTokOrderStatus({
      storeId: store.storeId,
      tiktokOrderId: order.tiktokOrderId,
      status,
    });

  /**
   * The order is held (PENDING, BLOCKED or CANCELLED) and the sync reactor has
   * read everything about it without queueing it: it cannot reach the
   * platform, and it has not.
   */
  async function expectHeld(store: TestStore, held: OrderView, syncStatus: SyncStatus) {
    const seen = await api.untilOrder(held.id, (o) => o.syncStatus === syncStatus, syncStatus);
    expect(await syncReactorHasRead(database, seen)).toEqual({ queued: false });
    // Read again: the history comes from the event store, as of now, past what the reactor read.
    const order = (await api.order(held.id))!;
    expect(order).toMatchObject({
      syncStatus,
      platformOrderId: null,
      platformOrderStatus: null,
      inventoryDeductedFrom: null,
      tags: [],
      syncAttempts: 0,
    });
    expect(count(order, 'OrderSyncRequested')).toBe(0);
    expect(count(order, 'OrderSyncStarted')).toBe(0);
    expect(count(order, 'OrderSynced')).toBe(0);
    expect(count(order, 'InventoryDeducted')).toBe(0);
    expect(await side.ordersOf(store)).toEqual([]);
    expect([0, null]).toContain(side.createCalls(store));
    for (const [sku, quantity] of store.initialStock) {
      expect(await side.stockOf(store, sku)).toBe(quantity);
    }
    expect(side.validationFailures()).toEqual([]);
    return order;
  }

  /**
   * The order is SYNCED, exactly once, and the platform holds exactly one
   * order for it, with the status, tags, inventory behaviour and line items
   * the table asks for; inventory moved at exactly one place.
   */
  async function expectSynced(store: TestStore, placed: OrderView, wanted: Wanted) {
    // FAILED ends the wait too, so a refusal shows with its reason instead of a timeout.
    await api.untilOrder(
      placed.id,
      (o) => o.syncStatus === 'SYNCED' || o.syncStatus === 'FAILED',
      'SYNCED',
    );
    await api.untilProjectionsCaughtUp();
    const order = (await api.order(placed.id))!;
    const onPlatform = await side.ordersOf(store);
    expect(order).toMatchObject({
      syncStatus: 'SYNCED',
      failureReason: null,
      blockedReason: null,
      syncAttempts: 1,
      platformOrderStatus: wanted.platformOrderStatus,
      inventoryDeductedFrom: wanted.inventoryDeductedFrom,
      tags: wanted.tags,
    });
    expect(onPlatform).toEqual([
      {
        platformOrderId: order.platformOrderId,
        sourceIdentifier: order.tiktokOrderId,
        status: wanted.platformOrderStatus,
        tags: wanted.tags,
        inventoryBehaviour: wanted.inventoryBehaviour,
        lineItems: LINE_ITEMS.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
      },
    ]);
    expect([1, null]).toContain(side.createCalls(store));
    expect(count(order, 'OrderSynced')).toBe(1);
    expect(order.history.filter((e) => e.type === 'InventoryDeducted').map((e) => e.data)).toEqual([
      expect.objectContaining({ location: wanted.inventoryDeductedFrom }),
    ]);

    // Platform stock: taken off under DECREMENT_OBEYING_POLICY, untouched under BYPASS.
    for (const line of LINE_ITEMS) {
      const taken = wanted.inventoryBehaviour === 'BYPASS' ? 0 : line.quantity;
      expect(await side.stockOf(store, line.sku)).toBe(store.initialStock.get(line.sku)! - taken);
    }
    // The service's own account of the deduction, per SKU and location.
    const storeView = (await api.store(store.storeId))!;
    expect(sortBySku(storeView.inventoryDeductions)).toEqual(
      sortBySku(
        LINE_ITEMS.map(({ sku, quantity }) => ({
          sku,
          location: wanted.inventoryDeductedFrom,
          quantity,
        })),
      ),
    );
    expect(side.validationFailures()).toEqual([]);
    return order;
  }

  it('seller-fulfilled: UNPAID and ON_HOLD wait with nothing on the platform; paid, it is synced AWAITING_SHIPMENT with platform inventory deducted and no FBT tag', async () => {
    // The waiting rule and a tag are in force: neither applies to an order the seller fulfils.
    const store = await connectStore({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
    let order = await placeOrder(store, {
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'UNPAID',
    });
    expect(order).toMatchObject({ syncStatus: 'PENDING', isFbt: false, appliedFbtSyncMode: null });
    await expectHeld(store, order, 'PENDING');

    order = await moveTo(store, order, 'ON_HOLD');
    await expectHeld(store, order, 'PENDING');

    await moveTo(store, order, 'AWAITING_SHIPMENT');
    order = await expectSynced(store, order, { ...DEDUCTED_ON_THE_PLATFORM, tags: [] });
    expect(order.tiktokStatus).toBe('AWAITING_SHIPMENT');
    expect(statusChanges(order)).toEqual([
      ['OrderStatusChanged', 'UNPAID', 'ON_HOLD'],
      ['OrderStatusChanged', 'ON_HOLD', 'AWAITING_SHIPMENT'],
    ]);
    expect(count(order, 'OrderBlocked')).toBe(0);
  });

  it('FBT under SYNC_AND_DEDUCT_INVENTORY: UNPAID and ON_HOLD wait; paid, it is synced AWAITING_SHIPMENT with platform inventory deducted and the store tag', async () => {
    const store = await connectStore({ mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: 'TikTok FBT' });
    let order = await placeOrder(store, { status: 'UNPAID' });
    expect(order).toMatchObject({
      syncStatus: 'PENDING',
      isFbt: true,
      appliedFbtSyncMode: 'SYNC_AND_DEDUCT_INVENTORY',
    });
    await expectHeld(store, order, 'PENDING');
    order = await moveTo(store, order, 'ON_HOLD');
    await expectHeld(store, order, 'PENDING');

    await moveTo(store, order, 'AWAITING_SHIPMENT');
    order = await expectSynced(store, order, { ...DEDUCTED_ON_THE_PLATFORM, tags: ['TikTok FBT'] });
    expect(count(order, 'OrderBlocked')).toBe(0);
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION: BLOCKED (reason names AWAITING_COLLECTION) with nothing on the platform; at AWAITING_COLLECTION synced FULFILLED, platform inventory untouched, TikTok Shop inventory deducted, tagged', async () => {
    const store = await connectStore({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
    let order = await placeOrder(store, { status: 'AWAITING_SHIPMENT' });
    expect(order).toMatchObject({
      syncStatus: 'BLOCKED',
      appliedFbtSyncMode: 'WAIT_FOR_AWAITING_COLLECTION',
    });
    expect(order.blockedReason).toContain('AWAITING_COLLECTION');
    order = await expectHeld(store, order, 'BLOCKED');
    expect(order.blockedReason).toContain('AWAITING_COLLECTION');
    expect(count(order, 'OrderBlocked')).toBe(1);

    order = await moveTo(store, order, 'PARTIALLY_SHIPPING');
    order = await expectHeld(store, order, 'BLOCKED');
    expect(order.blockedReason).toContain('AWAITING_COLLECTION');

    await moveTo(store, order, 'AWAITING_COLLECTION');
    order = await expectSynced(store, order, { ...FULFILLED_BY_TIKTOK_SHOP, tags: ['FBT'] });
    expect(order.tiktokStatus).toBe('AWAITING_COLLECTION');
  });

  it('FBT first seen at IN_TRANSIT under WAIT_FOR_AWAITING_COLLECTION: synced FULFILLED at once, never BLOCKED', async () => {
    const store = await connectStore({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
    const placed = await placeOrder(store, { status: 'IN_TRANSIT' });
    expect(placed.syncStatus).not.toBe('BLOCKED');
    const order = await expectSynced(store, placed, { ...FULFILLED_BY_TIKTOK_SHOP, tags: ['FBT'] });
    expect(order.appliedFbtSyncMode).toBe('WAIT_FOR_AWAITING_COLLECTION');
    expect(types(order)).not.toContain('OrderBlocked');
  });

  it('CANCELLED before sync: CANCELLED, never on the platform, nothing deducted, whatever comes after', async () => {
    const store = await connectStore({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
    const blocked = await placeOrder(store);
    const unpaidFbt = await placeOrder(store, { status: 'UNPAID' });
    const unpaidSeller = await placeOrder(store, {
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'ON_HOLD',
    });
    expect(blocked.syncStatus).toBe('BLOCKED');
    for (const order of [blocked, unpaidFbt, unpaidSeller]) {
      let cancelled = await moveTo(store, order, 'CANCELLED');
      expect(cancelled.syncStatus).toBe('CANCELLED');
      cancelled = await expectHeld(store, cancelled, 'CANCELLED');
      expect(count(cancelled, 'OrderCancelled')).toBe(1);
      // TikTok reports later statuses late and out of order; a cancelled order stays cancelled.
      await moveTo(store, cancelled, 'AWAITING_COLLECTION');
      const after = await expectHeld(store, cancelled, 'CANCELLED');
      expect(after.tiktokStatus).toBe('CANCELLED');
      expect(after.history).toEqual(cancelled.history);
    }
    await api.untilProjectionsCaughtUp();
    expect((await api.store(store.storeId))!.inventoryDeductions).toEqual([]);
  });

  it('a change after sync is recorded in the history and the view, and makes no second platform order', async () => {
    const store = await connectStore({ orderTag: 'FBT' });
    let order = await placeOrder(store);
    order = await expectSynced(store, order, { ...DEDUCTED_ON_THE_PLATFORM, tags: ['FBT'] });
    const syncedVersion = order.history.length;

    for (const status of ['IN_TRANSIT', 'DELIVERED', 'COMPLETED']) {
      const changed = await moveTo(store, order, status);
      expect(changed).toMatchObject({ syncStatus: 'SYNCED', tiktokStatus: status });
      order = await api.untilOrder(order.id, (o) => o.tiktokStatus === status, status);
      expect(order.syncStatus).toBe('SYNCED');
    }
    expect(order.history.slice(syncedVersion).map((e) => [e.type, e.data.from, e.data.to])).toEqual(
      [
        ['FbtStatusChanged', 'AWAITING_SHIPMENT', 'IN_TRANSIT'],
        ['FbtStatusChanged', 'IN_TRANSIT', 'DELIVERED'],
        ['FbtStatusChanged', 'DELIVERED', 'COMPLETED'],
      ],
    );
    expect(await syncReactorHasRead(database, order)).toEqual({ queued: false });
    await api.untilProjectionsCaughtUp();
    order = (await api.order(order.id))!;
    expect(order).toMatchObject({
      syncStatus: 'SYNCED',
      tiktokStatus: 'COMPLETED',
      syncAttempts: 1,
    });
    expect(count(order, 'OrderSynced')).toBe(1);
    expect(count(order, 'InventoryDeducted')).toBe(1);
    expect(await side.ordersOf(store)).toHaveLength(1);
    expect([1, null]).toContain(side.createCalls(store));

    // A seller-fulfilled order cancelled after it was synced: the cancellation is a fact, not a second sync.
    let seller = await placeOrder(store, { fulfillmentType: 'FULFILLED_BY_SELLER' });
    await api.untilOrder(seller.id, (o) => o.syncStatus === 'SYNCED', 'SYNCED');
    seller = await moveTo(store, seller, 'CANCELLED');
    expect(seller).toMatchObject({ syncStatus: 'SYNCED', tiktokStatus: 'CANCELLED' });
    expect(await syncReactorHasRead(database, seller)).toEqual({ queued: false });
    seller = await api.untilOrder(seller.id, (o) => o.tiktokStatus === 'CANCELLED', 'CANCELLED');
    expect(seller.syncStatus).toBe('SYNCED');
    expect(count(seller, 'OrderSynced')).toBe(1);
    expect(statusChanges(seller)).toEqual([
      ['OrderStatusChanged', 'AWAITING_SHIPMENT', 'CANCELLED'],
    ]);
    expect(types(seller)).not.toContain('OrderCancelled');
    const platformOrders = await side.ordersOf(store);
    expect(platformOrders.map((o) => o.sourceIdentifier).sort()).toEqual(
      [order.tiktokOrderId, seller.tiktokOrderId].sort(),
    );
    expect([2, null]).toContain(side.createCalls(store));
    expect(side.validationFailures()).toEqual([]);
  });

  it('orders keep the rule in force when they were placed: changing the rules moves neither a BLOCKED order nor the orders after it', async () => {
    const store = await connectStore({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
    let blocked = await placeOrder(store);
    expect(blocked.syncStatus).toBe('BLOCKED');
    const { userErrors } = await api.updateFbtSyncRules({
      storeId: store.storeId,
      mode: 'SYNC_AND_DEDUCT_INVENTORY',
      orderTag: 'FBT',
    });
    expect(userErrors).toEqual([]);
    blocked = await expectHeld(store, blocked, 'BLOCKED');
    expect(blocked.appliedFbtSyncMode).toBe('WAIT_FOR_AWAITING_COLLECTION');

    const later = await placeOrder(store);
    expect(later.appliedFbtSyncMode).toBe('SYNC_AND_DEDUCT_INVENTORY');
    await api.untilOrder(later.id, (o) => o.syncStatus === 'SYNCED', 'SYNCED');
    await moveTo(store, blocked, 'AWAITING_COLLECTION');
    blocked = await api.untilOrder(blocked.id, (o) => o.syncStatus === 'SYNCED', 'SYNCED');
    expect(blocked.platformOrderStatus).toBe('FULFILLED');
    const byId = new Map((await side.ordersOf(store)).map((o) => [o.sourceIdentifier, o]));
    expect(byId.get(blocked.tiktokOrderId)).toMatchObject({
      status: 'FULFILLED',
      inventoryBehaviour: 'BYPASS',
      tags: ['FBT'],
    });
    expect(byId.get(later.tiktokOrderId)).toMatchObject({
      status: 'AWAITING_SHIPMENT',
      inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      tags: ['FBT'],
    });
    expect(byId.size).toBe(2);
  });

  it('a store on FREE: a rules change is refused with PLAN_NOT_ELIGIBLE and writes nothing; its FBT orders use the default', async () => {
    const store = await connectStore({ plan: 'FREE' });
    expect(store.view.availableFbtSyncModes).toEqual(['SYNC_AND_DEDUCT_INVENTORY']);
    for (const change of [
      { mode: 'WAIT_FOR_AWAITING_COLLECTION' },
      { mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: 'FBT' },
    ]) {
      const before = await writtenRows(database);
      const refused = await api.updateFbtSyncRules({ storeId: store.storeId, ...change });
      expect(refused.value).toBeNull();
      expect(refused.userErrors.map((e) => e.code)).toEqual(['PLAN_NOT_ELIGIBLE']);
      expect(await writtenRows(database)).toEqual(before);
    }
    await api.untilProjectionsCaughtUp();
    expect(await api.store(store.storeId)).toMatchObject({
      version: store.view.version,
      fbtSyncRules: { mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: null },
    });

    const placed = await placeOrder(store);
    expect(placed.appliedFbtSyncMode).toBe('SYNC_AND_DEDUCT_INVENTORY');
    const order = await expectSynced(store, placed, { ...DEDUCTED_ON_THE_PLATFORM, tags: [] });
    expect(types(order)).not.toContain('OrderBlocked');
  });

  it('a store not on Shopify: WAIT_FOR_AWAITING_COLLECTION and a tag are refused with PLATFORM_NOT_SUPPORTED and write nothing; its FBT orders use the default', async () => {
    const store = await connectStore({ platform: 'WOOCOMMERCE' });
    expect(store.view.availableFbtSyncModes).toEqual(['SYNC_AND_DEDUCT_INVENTORY']);
    for (const change of [
      { mode: 'WAIT_FOR_AWAITING_COLLECTION' },
      { mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: 'FBT' },
    ]) {
      const before = await writtenRows(database);
      const refused = await api.updateFbtSyncRules({ storeId: store.storeId, ...change });
      expect(refused.value).toBeNull();
      expect(refused.userErrors.map((e) => e.code)).toEqual(['PLATFORM_NOT_SUPPORTED']);
      expect(await writtenRows(database)).toEqual(before);
    }
    await api.untilProjectionsCaughtUp();
    expect(await api.store(store.storeId)).toMatchObject({
      version: store.view.version,
      fbtSyncRules: { mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: null },
    });

    const placed = await placeOrder(store);
    expect(placed).toMatchObject({ appliedFbtSyncMode: 'SYNC_AND_DEDUCT_INVENTORY' });
    expect(placed.syncStatus).not.toBe('BLOCKED');
    if (side.takesNonShopifyStores) {
      await expectSynced(store, placed, { ...DEDUCTED_ON_THE_PLATFORM, tags: [] });
    } else {
      // PLATFORM=shopify can only reach stores with a Shopify domain: a refusal no retry changes.
      const order = await api.untilOrder(placed.id, (o) => o.syncStatus === 'FAILED', 'FAILED');
      expect(order.failureReason).toMatch(/Shopify shop domain/);
      expect(side.validationFailures()).toEqual([]);
    }
  });

  describe('through the TikTok Shop webhook route', () => {
    let notifications = 0;
    const notificationId = () =>
      `73270${side.name === 'sandbox' ? 1 : 2}${String(++notifications).padStart(13, '0')}`;
    const deliver = (body: string, authorization: string | null = signatureOf(body, TIKTOK)) =>
      deliverWebhook(serve.url, body, authorization);

    it('a forged webhook is refused with 401 and writes nothing', async () => {
      const store = await connectStore({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
      const blocked = await expectHeld(store, await placeOrder(store), 'BLOCKED');
      // Were it genuine, this notification would release the order to the platform.
      const body = orderStatusNotification({
        notificationId: notificationId(),
        shopId: store.view.tiktokShopId,
        orderId: blocked.tiktokOrderId,
        status: 'AWAITING_COLLECTION',
      });
      const before = await writtenRows(database);
      const forgeries: Array<[string, string | null]> = [
        [
          'signed with another secret',
          signatureOf(body, { ...TIKTOK, appSecret: 'not-the-secret' }),
        ],
        ['signed for another app key', signatureOf(body, { ...TIKTOK, appKey: 'another-app' })],
        ['the signature of another body', signatureOf(body.replace('}}', ' }}'), TIKTOK)],
        ['no signature', null],
      ];
      for (const [forgery, authorization] of forgeries) {
        const answer = await deliver(body, authorization);
        expect({ forgery, status: answer.status }).toEqual({ forgery, status: 401 });
      }
      expect(await writtenRows(database)).toEqual(before);
      const after = await expectHeld(store, blocked, 'BLOCKED');
      expect(after.tiktokStatus).toBe('AWAITING_SHIPMENT');
      expect(after.history).toEqual(blocked.history);
      // Nothing was left behind to be written later either.
      expect(await writtenRows(database)).toEqual(before);
    });

    it('an unknown order is fetched from TikTok Shop and recorded (FBT, units grouped by SKU), then synced per the table; a redelivered webhook and the same status under a new id are one change', async () => {
      const store = await connectStore({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' });
      const shopId = store.view.tiktokShopId;
      const tiktokOrderId = `5764${side.name === 'sandbox' ? 1 : 2}00000000000001`;
      tiktokShop.addOrder(
        tikTokOrderJson({
          id: tiktokOrderId,
          status: 'AWAITING_SHIPMENT',
          fulfillmentType: 'FULFILLMENT_BY_TIKTOK',
          createTime: Math.floor(Date.now() / 1000) - 600,
          // Get Order Detail lists every unit as a line item of its own: 2 mugs are 2 lines.
          items: LINE_ITEMS.map((line) => ({
            sellerSku: line.sku,
            productName: line.title!,
            salePrice: line.unitPrice,
            quantity: line.quantity,
          })),
        }),
      );

      const placedBy = notificationId();
      const placedBody = orderStatusNotification({
        notificationId: placedBy,
        shopId,
        orderId: tiktokOrderId,
        status: 'AWAITING_SHIPMENT',
      });
      expect(await deliver(placedBody)).toEqual({ status: 200, body: { status: 'accepted' } });
      let order = await eventually(
        async () => (await api.orderByTikTokId(store.storeId, tiktokOrderId)) ?? undefined,
        () => `order ${tiktokOrderId} to be fetched and recorded`,
      );
      expect(
        tiktokShop.requests.filter(
          (r) => r.path === '/order/202309/orders' && r.query.ids === tiktokOrderId,
        ),
      ).toEqual([expect.objectContaining({ answeredStatus: 200, answeredCode: 0 })]);
      expect(order).toMatchObject({
        fulfillmentType: 'FULFILLED_BY_TIKTOK',
        isFbt: true,
        tiktokStatus: 'AWAITING_SHIPMENT',
        appliedFbtSyncMode: 'WAIT_FOR_AWAITING_COLLECTION',
        currency: 'USD',
        totalAmount: '34.90',
      });
      expect(
        order.lineItems.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
      ).toEqual(LINE_ITEMS.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })));
      expect(order.history[0]).toMatchObject({
        type: 'OrderPlaced',
        metadata: { correlationId: placedBy, actor: 'tiktok-shop-webhook' },
      });
      order = await expectHeld(store, order, 'BLOCKED');
      expect(order.blockedReason).toContain('AWAITING_COLLECTION');

      const releasedBy = notificationId();
      const releaseBody = orderStatusNotification({
        notificationId: releasedBy,
        shopId,
        orderId: tiktokOrderId,
        status: 'AWAITING_COLLECTION',
      });
      expect(await deliver(releaseBody)).toEqual({ status: 200, body: { status: 'accepted' } });
      order = await expectSynced(store, order, { ...FULFILLED_BY_TIKTOK_SHOP, tags: ['FBT'] });
      const historyOnceReleased = order.history;

      // TikTok delivers at least once: the same notification again is acknowledged and ignored.
      expect(await deliver(releaseBody)).toEqual({ status: 200, body: { status: 'duplicate' } });
      // And the same status may come again under a new notification id: one change all the same.
      const againBy = notificationId();
      const againBody = orderStatusNotification({
        notificationId: againBy,
        shopId,
        orderId: tiktokOrderId,
        status: 'AWAITING_COLLECTION',
      });
      expect(await deliver(againBody)).toEqual({ status: 200, body: { status: 'accepted' } });
      await eventually(
        async () => ((await inboxState(database, againBy))?.state === 'done' ? true : undefined),
        () => `notification ${againBy} to be applied`,
      );
      expect(await inboxState(database, againBy)).toMatchObject({ state: 'done', lastError: null });

      expect(await syncReactorHasRead(database, order)).toEqual({ queued: false });
      order = (await api.order(order.id))!;
      expect(order.history).toEqual(historyOnceReleased);
      expect(statusChanges(order)).toEqual([
        ['FbtStatusChanged', 'AWAITING_SHIPMENT', 'AWAITING_COLLECTION'],
      ]);
      expect(count(order, 'OrderSynced')).toBe(1);
      expect(await side.ordersOf(store)).toHaveLength(1);
      expect([1, null]).toContain(side.createCalls(store));
      expect(side.validationFailures()).toEqual([]);
    });
  });
});

function sortBySku<T extends { sku: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.sku.localeCompare(b.sku));
}
