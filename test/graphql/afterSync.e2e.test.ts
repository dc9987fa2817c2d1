import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import {
  recordPlatformMirroringFailure,
  recordTikTokCancellation,
  recordTikTokReturn,
  startPlatformMirroring,
} from '../../src/commands/orderCommands';
import { formatOrderHistory } from '../../src/cli/orderHistory';
import { cancelLinesKey } from '../../src/domain/afterSyncVocabulary';
import { orderStreamId } from '../../src/domain/eventCatalog';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  startGraphqlTestService,
  storeViewer,
  type GraphqlTestService,
} from './graphqlTestService';
import { seedOrder, seedStore, seedSynced } from './seed';

let database: TestDatabase;
let service: GraphqlTestService;
let storeId: string;
let otherStoreId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  service = await startGraphqlTestService(database);
  storeId = await seedStore(service.commands, 'after-sync-shop');
  otherStoreId = await seedStore(service.commands, 'after-sync-other', { plan: 'FREE' });
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

const lines = [
  { sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '12.50' },
  { sku: 'CAP', title: 'Cap', quantity: 1, unitPrice: '5.00' },
];

/** A seller-fulfilled order on the platform (inventory deducted there). */
async function syncedOrder(tiktokOrderId: string): Promise<string> {
  const orderId = await seedOrder(service.commands, storeId, tiktokOrderId, {
    fulfillmentType: 'FULFILLED_BY_SELLER',
    lineItems: lines,
  });
  await seedSynced(service.commands, orderId);
  return orderId;
}

async function eventCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(
    database.db,
  );
  return rows[0]!.n;
}

const AFTER_SYNC = `id mirroringStatus onHoldOrders restockReturns heldOnPlatform
  cancellation { reason initiator cancelledAt mirroring { key kind status } }
  lineCancellations { cancellationId reason initiator lines { line sku quantity }
    mirroring { key kind status attempts failureReason lines { line sku quantity restockType why } amount } }
  refunds { returnId returnType amount currency lines { line sku quantity }
    mirroring { key kind status lines { line quantity restockType why } amount } }
  mirrorings { key kind status }`;

type Order = Record<string, unknown>;

async function order(id: string): Promise<Order> {
  await service.caughtUp();
  const response = await service.query<{ order: Order }>(
    `query($id: ID!) { order(id: $id) { ${AFTER_SYNC} } }`,
    { id },
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.order;
}

describe('an order after sync, through the API', () => {
  it('shows a line cancellation and a completed refund, with their lines, amounts and mirror state', async () => {
    const orderId = await syncedOrder('7711000000000001');
    await recordTikTokCancellation(service.commands, {
      storeId,
      tiktokOrderId: '7711000000000001',
      cancellationId: 'C-1',
      lines: [{ line: 0, quantity: 1 }],
      reason: 'Out of stock',
      initiator: 'SELLER',
      cancelledAt: '2026-11-28T11:00:00.000Z',
    });
    await recordTikTokReturn(service.commands, {
      storeId,
      tiktokOrderId: '7711000000000001',
      returnId: 'R-1',
      status: 'COMPLETED',
      returnType: 'REFUND_ONLY',
      lines: [{ line: 1, quantity: 1 }],
      amount: '5.00',
      currency: 'USD',
      changedAt: '2026-11-29T10:00:00.000Z',
    });
    const shown = await order(orderId);
    expect(shown).toMatchObject({
      mirroringStatus: 'PENDING',
      onHoldOrders: 'WAIT_FOR_RELEASE',
      restockReturns: false,
      heldOnPlatform: false,
      cancellation: null,
      lineCancellations: [
        {
          cancellationId: 'C-1',
          reason: 'Out of stock',
          initiator: 'SELLER',
          lines: [{ line: 0, sku: 'MUG-RED', quantity: 1 }],
          mirroring: {
            key: 'cancel-lines:C-1',
            kind: 'CANCEL_LINES',
            status: 'PENDING',
            attempts: 0,
            lines: [{ line: 0, sku: 'MUG-RED', quantity: 1, restockType: 'CANCEL' }],
            amount: '12.50',
          },
        },
      ],
      refunds: [
        {
          returnId: 'R-1',
          returnType: 'REFUND_ONLY',
          amount: '5.00',
          currency: 'USD',
          lines: [{ line: 1, sku: 'CAP', quantity: 1 }],
          mirroring: {
            key: 'refund:R-1',
            kind: 'REFUND',
            status: 'PENDING',
            // restockReturns is off: the refunded cap stays out of stock.
            lines: [{ line: 1, quantity: 1, restockType: 'NO_RESTOCK' }],
            amount: '5.00',
          },
        },
      ],
      mirrorings: [
        { key: 'cancel-lines:C-1', kind: 'CANCEL_LINES', status: 'PENDING' },
        { key: 'refund:R-1', kind: 'REFUND', status: 'PENDING' },
      ],
    });
    const refund = (shown.refunds as Array<{ mirroring: { lines: Array<{ why: string }> } }>)[0]!;
    expect(refund.mirroring.lines[0]!.why).toMatch(/restock/i);
  });

  it('shows a whole-order cancellation after sync and its mirroring', async () => {
    const orderId = await syncedOrder('7711000000000002');
    await recordTikTokCancellation(service.commands, {
      storeId,
      tiktokOrderId: '7711000000000002',
      cancellationId: null,
      lines: null,
      reason: 'Buyer changed mind',
      initiator: 'BUYER',
      cancelledAt: '2026-11-28T11:00:00.000Z',
    });
    expect(await order(orderId)).toMatchObject({
      cancellation: {
        reason: 'Buyer changed mind',
        initiator: 'BUYER',
        cancelledAt: '2026-11-28T11:00:00.000Z',
        mirroring: { key: 'cancel-order', kind: 'CANCEL_ORDER', status: 'PENDING' },
      },
      mirroringStatus: 'PENDING',
    });
  });
});

describe('the history of an order after sync', () => {
  it('explains each effect, with why each line is restocked or not (audit and Order.history)', async () => {
    const tiktokOrderId = '7711000000000004';
    const orderId = await syncedOrder(tiktokOrderId);
    await recordTikTokCancellation(service.commands, {
      storeId,
      tiktokOrderId,
      cancellationId: 'C-4',
      lines: [{ line: 0, quantity: 1 }],
      reason: 'Out of stock',
      initiator: 'SELLER',
      cancelledAt: '2026-11-28T11:00:00.000Z',
    });
    await recordTikTokReturn(service.commands, {
      storeId,
      tiktokOrderId,
      returnId: 'R-4',
      status: 'COMPLETED',
      returnType: 'RETURN_AND_REFUND',
      lines: [{ line: 1, quantity: 1 }],
      amount: '5.00',
      currency: 'USD',
      changedAt: '2026-11-29T10:00:00.000Z',
    });
    const { events } = await service.parts.eventStore.readStream(orderStreamId(orderId));
    const audit = formatOrderHistory(orderId, events);
    expect(audit).toMatch(
      /OrderLinesCancelled\s+lines cancelled on TikTok Shop by SELLER: 1 x MUG-RED \(line 0\); Out of stock \(cancellation C-4\)/,
    );
    expect(audit).toMatch(
      /PlatformCancellationRequested lines to be cancelled on the platform, 12\.50 USD refunded \[cancel-lines:C-4\]: .+ Lines: 1 x MUG-RED \(line 0\) CANCEL: .+/,
    );
    expect(audit).toMatch(
      /RETURN_AND_REFUND R-4 completed on TikTok Shop: 5\.00 USD for 1 x CAP \(line 1\)/,
    );
    expect(audit).toMatch(
      /PlatformRefundRequested refund of 5\.00 USD to be recorded on the platform \[refund:R-4\].+Lines: 1 x CAP \(line 1\) NO_RESTOCK: .*restockReturns/,
    );

    const response = await service.query<{
      order: { history: Array<{ type: string; data: { lines?: Array<{ why?: string }> } }> };
    }>(`query($id: ID!) { order(id: $id) { history { type data } } }`, { id: orderId });
    const history = response.body.data!.order.history;
    const refund = history.find((e) => e.type === 'PlatformRefundRequested')!;
    expect(refund.data.lines![0]!.why).toMatch(/restockReturns/);
    expect(history.map((e) => e.type)).toEqual(events.map((e) => e.type));
  });
});

describe('a mirroring that FAILED', () => {
  let orderId: string;
  const key = cancelLinesKey('C-9');

  beforeAll(async () => {
    orderId = await syncedOrder('7711000000000003');
    await recordTikTokCancellation(service.commands, {
      storeId,
      tiktokOrderId: '7711000000000003',
      cancellationId: 'C-9',
      lines: [{ line: 1, quantity: 1 }],
      reason: 'Out of stock',
      initiator: 'SELLER',
      cancelledAt: '2026-11-28T11:00:00.000Z',
    });
    const started = await startPlatformMirroring(service.commands, orderId, key);
    await recordPlatformMirroringFailure(service.commands, orderId, {
      key,
      attempt: started.state!.afterSync.mirrorings[0]!.attempts,
      reason: 'Shopify refused the refund',
      retryable: false,
      maxAttempts: 3,
      nextAttemptAt: new Date().toISOString(),
    });
  });

  it('is found by the Orders filter mirroring: [FAILED], and only it', async () => {
    await service.caughtUp();
    const response = await service.query<{
      store: { orders: { totalCount: number; edges: Array<{ node: { id: string } }> } };
    }>(
      `query($id: ID!) { store(id: $id) { orders(filter: { mirroring: [FAILED] }) {
        totalCount edges { node { id mirroringStatus } } } } }`,
      { id: storeId },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.store.orders).toEqual({
      totalCount: 1,
      edges: [{ node: { id: orderId, mirroringStatus: 'FAILED' } }],
    });
  });

  it('is tried again by retryOrderSync', async () => {
    const response = await service.query<{
      retryOrderSync: { order: Order | null; userErrors: unknown[] };
    }>(
      `mutation($input: RetryOrderSyncInput!) { retryOrderSync(input: $input) {
        order { id syncStatus mirroringStatus mirrorings { key status } } userErrors { code } } }`,
      { input: { orderId } },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.retryOrderSync).toEqual({
      order: {
        id: orderId,
        syncStatus: 'SYNCED',
        mirroringStatus: 'PENDING',
        mirrorings: [{ key, status: 'PENDING' }],
      },
      userErrors: [],
    });
    expect((await order(orderId)).mirroringStatus).toBe('PENDING');
  });
});

const UPDATE = `mutation($input: UpdateOrderSettingsInput!) { updateOrderSettings(input: $input) {
  store { id onHoldOrders restockReturns orderSettingsUpdatedAt version } userErrors { field message code } } }`;

type SettingsPayload = {
  updateOrderSettings: {
    store: { id: string; onHoldOrders: string; restockReturns: boolean; version: number } | null;
    userErrors: Array<{ field: string[] | null; message: string; code: string }>;
  };
};

describe('updateOrderSettings', () => {
  it('changes the store order settings on any plan, and the store shows them', async () => {
    const response = await service.query<SettingsPayload>(UPDATE, {
      input: { storeId: otherStoreId, onHoldOrders: 'SYNC_ON_HOLD', restockReturns: true },
    });
    expect(response.body.errors).toBeUndefined();
    const { store, userErrors } = response.body.data!.updateOrderSettings;
    expect(userErrors).toEqual([]);
    expect(store).toMatchObject({
      id: otherStoreId,
      onHoldOrders: 'SYNC_ON_HOLD',
      restockReturns: true,
    });
    await service.caughtUp();
    const read = await service.query<{ store: Record<string, unknown> }>(
      `query($id: ID!) { store(id: $id) { onHoldOrders restockReturns orderSettingsUpdatedAt } }`,
      { id: otherStoreId },
    );
    expect(read.body.data!.store).toMatchObject({
      onHoldOrders: 'SYNC_ON_HOLD',
      restockReturns: true,
    });
    expect(read.body.data!.store.orderSettingsUpdatedAt).not.toBeNull();

    // An order placed afterwards is handled under them.
    const orderId = await seedOrder(service.commands, otherStoreId, '7711000000000010');
    expect(await order(orderId)).toMatchObject({
      onHoldOrders: 'SYNC_ON_HOLD',
      restockReturns: true,
    });
  });

  it.each([
    [
      'a stale expectedVersion',
      () => ({ storeId, onHoldOrders: 'SYNC_ON_HOLD', restockReturns: true, expectedVersion: 999 }),
      'VERSION_CONFLICT',
    ],
    [
      'a store that does not exist',
      () => ({ storeId: 'no-such-store', onHoldOrders: 'SYNC_ON_HOLD', restockReturns: true }),
      'NOT_FOUND',
    ],
  ])('answers %s with userErrors and writes nothing', async (_what, input, code) => {
    const before = await eventCount();
    const response = await service.query<SettingsPayload>(UPDATE, { input: input() });
    expect(response.body.errors).toBeUndefined();
    const payload = response.body.data!.updateOrderSettings;
    expect(payload.store).toBeNull();
    expect(payload.userErrors.map((e) => e.code)).toEqual([code]);
    expect(await eventCount()).toBe(before);
  });

  it("refuses another store's token with userErrors and writes nothing", async () => {
    const before = await eventCount();
    const response = await service.query<SettingsPayload>(
      UPDATE,
      { input: { storeId, onHoldOrders: 'SYNC_ON_HOLD', restockReturns: true } },
      { as: storeViewer(otherStoreId) },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.updateOrderSettings.store).toBeNull();
    expect(response.body.data!.updateOrderSettings.userErrors.length).toBe(1);
    expect(await eventCount()).toBe(before);
  });
});
