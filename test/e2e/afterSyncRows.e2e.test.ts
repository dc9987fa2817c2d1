import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { runCli, type ServeProcess, startServe, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  type FakeOrderSpec,
  type FakeTikTokShop,
  startFakeTikTokShop,
  tikTokOrderJson,
  tikTokReturnJson,
} from '../support/fakeTikTokShop';
import { createGraphqlClient, type GraphqlClient, Targets } from '../support/graphqlClient';
import type { PlatformOrderLife } from '../sync/mirrorHarness';
import { eventually } from './fbtSyncApi';
import { type PlatformSide, type PlatformStore, sandboxSide, shopifySide } from './platformSide';
import {
  deliverWebhook,
  inboxState,
  signatureOf,
  type TikTokAppCredentials,
} from './tiktokShopWebhooks';

/**
 * Every row of "After sync" in docs/fbt-sync-rules.md, end to end: a real
 * `serve` (the compiled dist/: `npx tsc -p tsconfig.build.json` first), the
 * order reaching it as TikTok Shop sends it (a signed webhook, its detail
 * from the fake TikTok Shop), synced, then changed on TikTok Shop; the
 * change comes by its signed webhook (type 11 or 12, delivered twice, and
 * once more under another notification id), or its webhooks are lost and
 * `fbt-sync reconcile` brings it. The platform order is read from outside:
 * the sandbox's tables, or what the fake Shopify holds. Then serve is
 * SIGKILLed between the platform's cancellation (refund) and its append.
 */

const AUTH_SECRET = 'e2e-after-sync-rows-secret-0123456789abcdef';
const TIKTOK: TikTokAppCredentials = {
  appKey: '6e2e0aftersync',
  appSecret: 'e2e-after-sync-rows-app-secret-0123456789',
  accessToken: 'TTP_e2e_after_sync_rows_token',
};
const SKUS = ['MUG-RED', 'CAP-BLUE'];

type Fact = 'CANCELLED' | 'LINES_CANCELLED' | 'RETURN_COMPLETED' | 'RETURN_REJECTED_OR_WITHDRAWN';

interface Row {
  /** The row of the rules table, as written there. */
  name: string;
  fbt: boolean;
  mode?: 'SYNC_AND_DEDUCT_INVENTORY' | 'WAIT_FOR_AWAITING_COLLECTION';
  restockReturns?: boolean;
  fact: Fact;
  /** What the platform order says once the fact is mirrored. */
  platform: Partial<PlatformOrderLife>;
  /** Stock of MUG-RED and CAP-BLUE against before the order, once mirrored. */
  stockMoved: [number, number];
}

// The order: two red mugs at 12.50 and a blue cap at 9.90 (lines 0 and 1).
const ROWS: Row[] = [
  {
    name: 'seller-fulfilled, any | CANCELLED (whole order) | cancelled once, reason the TikTok cancel reason | restocked at the platform',
    fbt: false,
    fact: 'CANCELLED',
    platform: { cancelled: true, restockedOnCancel: true, cancelReason: 'CUSTOMER', refunds: [] },
    stockMoved: [0, 0],
  },
  {
    name: 'FBT, SYNC_AND_DEDUCT_INVENTORY | CANCELLED | cancelled once | restocked at the platform',
    fbt: true,
    mode: 'SYNC_AND_DEDUCT_INVENTORY',
    fact: 'CANCELLED',
    platform: { cancelled: true, restockedOnCancel: true, refunds: [] },
    stockMoved: [0, 0],
  },
  {
    name: 'FBT, WAIT_FOR_AWAITING_COLLECTION | CANCELLED | cancelled once | not restocked',
    fbt: true,
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    fact: 'CANCELLED',
    platform: { cancelled: true, restockedOnCancel: false, refunds: [] },
    stockMoved: [0, 0],
  },
  {
    name: 'any | some line items cancelled (partial) | refunded with restockType CANCEL where the platform was deducted',
    fbt: false,
    fact: 'LINES_CANCELLED',
    platform: {
      cancelled: false,
      refunds: [
        {
          key: expect.stringMatching(/^cancel-lines:/) as unknown as string,
          lines: [{ sku: 'MUG-RED', quantity: 1, restocked: true }],
          amount: '12.50',
        },
      ],
    },
    stockMoved: [-1, -1],
  },
  {
    name: 'any | some line items cancelled (partial) | NO_RESTOCK where the platform was not deducted',
    fbt: true,
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    fact: 'LINES_CANCELLED',
    platform: {
      cancelled: false,
      refunds: [
        {
          key: expect.stringMatching(/^cancel-lines:/) as unknown as string,
          lines: [{ sku: 'MUG-RED', quantity: 1, restocked: false }],
          amount: '12.50',
        },
      ],
    },
    stockMoved: [0, 0],
  },
  {
    name: 'any | a return or refund completed | a refund for its lines and amount, restocked (restockReturns on, platform deducted)',
    fbt: false,
    restockReturns: true,
    fact: 'RETURN_COMPLETED',
    platform: {
      cancelled: false,
      refunds: [
        {
          key: expect.stringMatching(/^refund:/) as unknown as string,
          lines: [{ sku: 'MUG-RED', quantity: 1, restocked: true }],
          amount: '12.50',
        },
      ],
    },
    stockMoved: [-1, -1],
  },
  {
    name: 'any | a return or refund completed | FBT returns go back to TikTok, never restocked',
    fbt: true,
    mode: 'SYNC_AND_DEDUCT_INVENTORY',
    restockReturns: true,
    fact: 'RETURN_COMPLETED',
    platform: {
      cancelled: false,
      refunds: [
        {
          key: expect.stringMatching(/^refund:/) as unknown as string,
          lines: [{ sku: 'MUG-RED', quantity: 1, restocked: false }],
          amount: '12.50',
        },
      ],
    },
    stockMoved: [-2, -1],
  },
  {
    name: 'any | a refund or return rejected or withdrawn | nothing | nothing',
    fbt: false,
    restockReturns: true,
    fact: 'RETURN_REJECTED_OR_WITHDRAWN',
    platform: { cancelled: false, refunds: [], moneyRefunded: '0.00' },
    stockMoved: [-2, -1],
  },
];

const ORDER_FIELDS = `id tiktokOrderId syncStatus tiktokStatus mirroringStatus
  cancellation { reason initiator }
  history { type data metadata }`;

interface OrderSeen {
  id: string;
  tiktokOrderId: string;
  syncStatus: string;
  tiktokStatus: string;
  mirroringStatus: 'NONE' | 'PENDING' | 'MIRRORED' | 'FAILED';
  cancellation: { reason: string; initiator: string } | null;
  history: Array<{ type: string; data: Record<string, unknown>; metadata: { actor?: string } }>;
}

const count = (order: OrderSeen, type: string) =>
  order.history.filter((event) => event.type === type).length;

describe.each([
  ['the sandbox', sandboxSide],
  ['the fake Shopify', () => shopifySide()],
])('"After sync" end to end through HTTP, on %s', (_name, startSide) => {
  let database: TestDatabase;
  let side: PlatformSide;
  let tiktokShop: FakeTikTokShop;
  let serve: ServeProcess;
  let api: GraphqlClient;
  let env: NodeJS.ProcessEnv;
  // Each order lives in a stretch of TikTok time of its own, hours back: a
  // reconcile --since its start sees it and the orders after it, which do
  // not exist yet (the fake TikTok Shop serves every shop's orders to any search).
  const firstSlot = Math.floor(Date.now() / 1000) - 6 * 3600;
  let slots = 0;

  beforeAll(async () => {
    database = await createTestDatabase(2);
    side = await startSide(database);
    tiktokShop = await startFakeTikTokShop(TIKTOK);
    env = {
      ...side.env,
      DATABASE_URL: database.url,
      DATA_DIR: tempDataDir(),
      AUTH_SECRET,
      TIKTOK_APP_KEY: TIKTOK.appKey,
      TIKTOK_APP_SECRET: TIKTOK.appSecret,
      TIKTOK_ACCESS_TOKEN: TIKTOK.accessToken,
      TIKTOK_API_BASE_URL: tiktokShop.baseUrl,
      // The test runs `fbt-sync reconcile` itself, over the window it names.
      RECONCILE_INTERVAL_S: '0',
      SYNC_RETRY_BASE_MS: '50',
      SYNC_RETRY_MAX_MS: '500',
    };
    serve = await startServe(env);
    api = createGraphqlClient({ targets: new Targets([serve.url]), secret: AUTH_SECRET });
  }, 120_000);
  afterAll(async () => {
    const code = await serve?.stop('SIGTERM');
    const refusedAsInvalid = side?.validationFailures() ?? [];
    await tiktokShop?.close();
    await side?.close();
    await database?.drop();
    expect(code).toBe(0);
    expect(refusedAsInvalid).toEqual([]);
  });

  const request = <Data>(document: string, variables: Record<string, unknown> = {}) =>
    api.request<Data>(document, variables);

  let stores = 0;
  async function connectStore(row: Pick<Row, 'mode' | 'restockReturns'>) {
    const n = ++stores;
    const tiktokShopId = `74941${side.name === 'sandbox' ? 1 : 2}${String(n).padStart(8, '0')}`;
    const shopDomain = `after-sync-${side.name}-${n}.myshopify.com`;
    const { connectStore: connected } = await request<{
      connectStore: { store: { id: string } | null; userErrors: unknown[] };
    }>(
      `mutation ($input: ConnectStoreInput!) {
        connectStore(input: $input) { store { id } userErrors { field message code } } }`,
      {
        input: {
          name: `After sync ${n}`,
          tiktokShopId,
          platform: 'SHOPIFY',
          plan: 'PRO',
          shopDomain,
        },
      },
    );
    expect(connected.userErrors).toEqual([]);
    const storeId = connected.store!.id;
    if (row.mode !== undefined) {
      const { updateFbtSyncRules } = await request<{ updateFbtSyncRules: { userErrors: [] } }>(
        `mutation ($input: UpdateFbtSyncRulesInput!) {
          updateFbtSyncRules(input: $input) { userErrors { field message code } } }`,
        { input: { storeId, mode: row.mode, orderTag: null } },
      );
      expect(updateFbtSyncRules.userErrors).toEqual([]);
    }
    if (row.restockReturns === true) {
      const { updateOrderSettings } = await request<{ updateOrderSettings: { userErrors: [] } }>(
        `mutation ($input: UpdateOrderSettingsInput!) {
          updateOrderSettings(input: $input) { userErrors { field message code } } }`,
        { input: { storeId, onHoldOrders: 'WAIT_FOR_RELEASE', restockReturns: true } },
      );
      expect(updateOrderSettings.userErrors).toEqual([]);
    }
    const store: PlatformStore = { storeId, shopDomain };
    side.stock(store, SKUS);
    const stockBefore = [await side.stockOf(store, SKUS[0]!), await side.stockOf(store, SKUS[1]!)];
    return { ...store, tiktokShopId, stockBefore };
  }
  type Store = Awaited<ReturnType<typeof connectStore>>;

  let notifications = 0;
  /** POSTs the notification to serve, signed as TikTok Shop signs it; answers its id and body. */
  async function notify(store: Store, type: number, data: Record<string, unknown>) {
    const notificationId = `73279${side.name === 'sandbox' ? 1 : 2}${String(++notifications).padStart(13, '0')}`;
    const body = JSON.stringify({
      type,
      tts_notification_id: notificationId,
      shop_id: store.tiktokShopId,
      timestamp: Math.floor(Date.now() / 1000),
      data,
    });
    const answer = await deliverWebhook(serve.url, body, signatureOf(body, TIKTOK));
    expect(answer).toEqual({ status: 200, body: { status: 'accepted' } });
    return { notificationId, body };
  }
  const untilApplied = (notificationId: string) =>
    eventually(
      async () => {
        const row = await inboxState(database, notificationId);
        return row?.state === 'done' ? row : undefined;
      },
      () => `notification ${notificationId} applied`,
    );

  const order = async (store: Store, tiktokOrderId: string) =>
    (
      await request<{ orderByTikTokId: OrderSeen | null }>(
        `query ($storeId: ID!, $tiktokOrderId: String!) {
          orderByTikTokId(storeId: $storeId, tiktokOrderId: $tiktokOrderId) { ${ORDER_FIELDS} } }`,
        { storeId: store.storeId, tiktokOrderId },
      )
    ).orderByTikTokId;
  async function untilOrder(
    store: Store,
    tiktokOrderId: string,
    condition: (seen: OrderSeen) => boolean,
    what: string,
  ): Promise<OrderSeen> {
    let last: OrderSeen | null = null;
    return eventually(
      async () => {
        last = await order(store, tiktokOrderId);
        return last !== null && condition(last) ? last : undefined;
      },
      () => `order ${tiktokOrderId} ${what}; last seen ${JSON.stringify(last)}`,
    );
  }

  const eventCount = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(database.db)).rows[0]!
      .n;

  let orderNumbers = 0;
  /**
   * A store set as the row says, and its order synced: TikTok Shop has it, its
   * status webhook comes, serve fetches its detail, records and syncs it.
   */
  async function syncedOrder(row: Row) {
    const store = await connectStore(row);
    const slot = firstSlot + 600 * ++slots;
    const tiktokOrderId = `57790${side.name === 'sandbox' ? 1 : 2}${String(++orderNumbers).padStart(10, '0')}`;
    // Under WAIT_FOR_AWAITING_COLLECTION an FBT order is synced at AWAITING_COLLECTION.
    const status =
      row.mode === 'WAIT_FOR_AWAITING_COLLECTION' ? 'AWAITING_COLLECTION' : 'AWAITING_SHIPMENT';
    const spec: FakeOrderSpec = {
      id: tiktokOrderId,
      status,
      fulfillmentType: row.fbt ? 'FULFILLMENT_BY_TIKTOK' : 'FULFILLMENT_BY_SELLER',
      createTime: slot,
      updateTime: slot,
      items: [
        { sellerSku: 'MUG-RED', productName: 'Red mug', salePrice: '12.50', quantity: 2 },
        { sellerSku: 'CAP-BLUE', productName: 'Blue cap', salePrice: '9.90', quantity: 1 },
      ],
    };
    tiktokShop.addOrder(tikTokOrderJson(spec));
    const placed = await notify(store, 1, {
      order_id: tiktokOrderId,
      order_status: status,
      is_on_hold_order: false,
      update_time: slot,
    });
    await untilApplied(placed.notificationId);
    await untilOrder(
      store,
      tiktokOrderId,
      (o) => o.syncStatus === 'SYNCED' || o.syncStatus === 'FAILED',
      'SYNCED',
    );
    expect((await order(store, tiktokOrderId))!.syncStatus).toBe('SYNCED');
    return { store, tiktokOrderId, spec, slot };
  }

  /** TikTok Shop changes the order as the row says, half a minute into its slot; answers the webhook TikTok sends. */
  function changeOnTikTok(
    row: Row,
    { tiktokOrderId, spec, slot }: Awaited<ReturnType<typeof syncedOrder>>,
  ): { type: number; data: Record<string, unknown> } {
    const at = slot + 30;
    const unitIds = (tikTokOrderJson(spec).line_items as Array<{ id: string }>).map((u) => u.id);
    switch (row.fact) {
      case 'CANCELLED':
        tiktokShop.addOrder(
          tikTokOrderJson({
            ...spec,
            status: 'CANCELLED',
            updateTime: at,
            cancelReason: 'Buyer changed their mind',
            cancellationInitiator: 'BUYER',
          }),
        );
        return {
          type: 11,
          data: {
            order_id: tiktokOrderId,
            cancellation_status: 'CANCELLATION_REQUEST_COMPLETE',
            update_time: at,
          },
        };
      case 'LINES_CANCELLED':
        tiktokShop.addOrder(
          tikTokOrderJson({
            ...spec,
            updateTime: at,
            cancelReason: 'Out of stock',
            cancellationInitiator: 'SELLER',
            items: spec.items.map((item, i) => (i === 0 ? { ...item, cancelledUnits: 1 } : item)),
          }),
        );
        return { type: 11, data: { order_id: tiktokOrderId, update_time: at } };
      case 'RETURN_COMPLETED':
        tiktokShop.addReturn(
          tikTokReturnJson({
            returnId: `4035${tiktokOrderId.slice(-12)}1`,
            orderId: tiktokOrderId,
            status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
            returnType: 'RETURN_AND_REFUND',
            refundTotal: '12.50',
            unitIds: [unitIds[0]!],
            updateTime: at,
          }),
        );
        return {
          type: 12,
          data: {
            order_id: tiktokOrderId,
            return_status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
            update_time: at,
          },
        };
      case 'RETURN_REJECTED_OR_WITHDRAWN':
        tiktokShop.addReturn(
          tikTokReturnJson({
            returnId: `4035${tiktokOrderId.slice(-12)}2`,
            orderId: tiktokOrderId,
            status: 'REFUND_OR_RETURN_REQUEST_REJECT',
            refundTotal: '12.50',
            unitIds: [unitIds[0]!],
            updateTime: at,
          }),
        );
        tiktokShop.addReturn(
          tikTokReturnJson({
            returnId: `4035${tiktokOrderId.slice(-12)}3`,
            orderId: tiktokOrderId,
            status: 'RETURN_OR_REFUND_REQUEST_CANCEL',
            refundTotal: '9.90',
            unitIds: [unitIds[2]!],
            updateTime: at,
          }),
        );
        return { type: 12, data: { order_id: tiktokOrderId, update_time: at } };
    }
  }

  /** Once TikTok's fact is in, the platform order says what the row says, from one effect. */
  async function expectRow(row: Row, store: Store, tiktokOrderId: string, actor: string) {
    const mirrored = row.fact !== 'RETURN_REJECTED_OR_WITHDRAWN';
    const seen = mirrored
      ? await untilOrder(
          store,
          tiktokOrderId,
          (o) => o.mirroringStatus === 'MIRRORED' || o.mirroringStatus === 'FAILED',
          'MIRRORED',
        )
      : (await order(store, tiktokOrderId))!;
    expect(seen.mirroringStatus).toBe(mirrored ? 'MIRRORED' : 'NONE');
    expect(await side.lifeOf(store, tiktokOrderId)).toMatchObject(row.platform);
    const stock = [await side.stockOf(store, SKUS[0]!), await side.stockOf(store, SKUS[1]!)];
    expect(stock.map((n, i) => n - store.stockBefore[i]!)).toEqual(row.stockMoved);
    // One TikTok fact, one platform effect, whatever the deliveries.
    const facts = seen.history.filter((e) =>
      ['OrderCancelledAfterSync', 'OrderLinesCancelled', 'OrderRefundCompleted'].includes(e.type),
    );
    expect(facts).toHaveLength(mirrored ? 1 : 0);
    for (const fact of facts) expect(fact.metadata.actor).toBe(actor);
    expect(count(seen, 'PlatformMirrored')).toBe(mirrored ? 1 : 0);
    expect(count(seen, 'OrderSynced')).toBe(1);
    if (row.fact === 'CANCELLED') {
      expect(seen.cancellation).toEqual({ reason: 'Buyer changed their mind', initiator: 'BUYER' });
      expect(seen.tiktokStatus).toBe('CANCELLED');
    }
    expect(side.validationFailures()).toEqual([]);
  }

  const reconcile = (store: Store, slot: number) =>
    runCli(
      ['reconcile', '--store', store.storeId, '--since', new Date(slot * 1000).toISOString()],
      env,
    );

  describe.each(ROWS)('$name', (row) => {
    it('by its signed webhook, delivered twice and once more under another id', async () => {
      const synced = await syncedOrder(row);
      const { store, tiktokOrderId } = synced;
      const webhook = changeOnTikTok(row, synced);
      const first = await notify(store, webhook.type, webhook.data);
      await untilApplied(first.notificationId);
      // TikTok delivers it again: the inbox knows it.
      expect(await deliverWebhook(serve.url, first.body, signatureOf(first.body, TIKTOK))).toEqual({
        status: 200,
        body: { status: 'duplicate' },
      });
      // And a second notification of the same fact: TikTok Shop's facts say nothing new.
      const again = await notify(store, webhook.type, webhook.data);
      await untilApplied(again.notificationId);
      await expectRow(row, store, tiktokOrderId, 'tiktok-shop-webhook');
    });

    it('by reconciliation, its webhooks lost; a second reconcile appends nothing', async () => {
      const synced = await syncedOrder(row);
      const { store, tiktokOrderId, slot } = synced;
      changeOnTikTok(row, synced);
      const first = await reconcile(store, slot);
      expect({ code: first.code, stderr: first.code === 0 ? '' : first.stderr }).toEqual({
        code: 0,
        stderr: '',
      });
      const recorded =
        row.fact === 'CANCELLED' || row.fact === 'LINES_CANCELLED'
          ? '1 cancellations and 0 refunds'
          : row.fact === 'RETURN_COMPLETED'
            ? '0 cancellations and 1 refunds'
            : '0 cancellations and 0 refunds';
      expect(first.stdout).toContain(`${recorded} after sync recorded`);
      await expectRow(row, store, tiktokOrderId, 'tiktok-shop-reconcile');

      const before = await eventCount();
      const second = await reconcile(store, slot);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(
        '0 were missing and are now recorded, 0 status changes applied',
      );
      expect(second.stdout).toContain('0 cancellations and 0 refunds after sync recorded');
      expect(await eventCount()).toBe(before);
    });
  });

  /**
   * serve is SIGKILLed while the platform holds the answer to the effect it
   * made: the worst moment. test/sync/mirrorCrash covers it for facts
   * recorded by command on the fake Shopify; here the fact comes by webhook,
   * on both platforms, and is delivered again after the restart.
   */
  describe.each([
    ['CANCELLED', 'cancel', 0],
    ['RETURN_COMPLETED', 'refund', 5],
  ] as const)('killed between the platform and the append (%s)', (fact, effect, rowIndex) => {
    it('after a restart, exactly one effect on the platform, recorded as already there', async () => {
      const row = ROWS[rowIndex]!;
      expect(row.fact).toBe(fact);
      const synced = await syncedOrder(row);
      const { store, tiktokOrderId } = synced;
      await side.holdAnswerAfter(effect);
      const webhook = changeOnTikTok(row, synced);
      const first = await notify(store, webhook.type, webhook.data);
      await eventually(
        async () => (await side.effectHeld(store, tiktokOrderId, effect)) || undefined,
        () => `the platform to make the ${effect} and hold its answer`,
      );
      await serve.stop('SIGKILL');
      await side.stopHolding();
      serve = await startServe(env);
      api = createGraphqlClient({ targets: new Targets([serve.url]), secret: AUTH_SECRET });

      // TikTok delivers the notification again after the crash.
      expect(await deliverWebhook(serve.url, first.body, signatureOf(first.body, TIKTOK))).toEqual({
        status: 200,
        body: { status: 'duplicate' },
      });
      await expectRow(row, store, tiktokOrderId, 'tiktok-shop-webhook');
      const seen = (await order(store, tiktokOrderId))!;
      expect(seen.history.filter((e) => e.type === 'PlatformMirrored').map((e) => e.data)).toEqual([
        expect.objectContaining({ attempt: 2, alreadyOnPlatform: true }),
      ]);
    }, 120_000);
  });
});
