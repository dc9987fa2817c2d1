import { describe, expect, it } from '@jest/globals';
import {
  orderDecider,
  type RecordTikTokOrder,
  type StoreSnapshot,
} from '../../src/domain/orderDecider';
import type { OrderEvent, OrderPlaced, OrderSyncRequested } from '../../src/domain/orderEvents';
import type { LineItem } from '../../src/domain/orderVocabulary';
import type { FbtSyncMode } from '../../src/domain/storeVocabulary';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(orderDecider);
const T0 = '2026-11-28T10:00:00.000Z';
const T1 = '2026-11-28T10:05:00.000Z';
const T2 = '2026-11-28T10:10:00.000Z';

const shopify = (
  mode: FbtSyncMode = 'SYNC_AND_DEDUCT_INVENTORY',
  orderTag: string | null = 'FBT',
): StoreSnapshot => ({
  storeId: 'store-1',
  platform: 'SHOPIFY',
  plan: 'PRO',
  rules: { mode, orderTag },
  settings: { onHoldOrders: 'WAIT_FOR_RELEASE', restockReturns: false },
});
const items: LineItem[] = [
  { sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '12.50' },
  { sku: 'CAP', title: null, quantity: 1, unitPrice: '9.99' },
  { sku: 'MUG', title: 'Mug (gift price)', quantity: 1, unitPrice: '0.00' },
];

function record(
  status: TikTokOrderStatus,
  options: {
    fbt?: boolean;
    store?: StoreSnapshot;
    lineItems?: LineItem[];
    currency?: string;
    now?: string;
  } = {},
): RecordTikTokOrder {
  return {
    type: 'RecordTikTokOrder',
    data: {
      orderId: 'o-1',
      tiktokOrderId: '5770001',
      fulfillmentType: options.fbt === false ? 'FULFILLED_BY_SELLER' : 'FULFILLED_BY_TIKTOK',
      status,
      lineItems: options.lineItems ?? items,
      currency: options.currency ?? 'USD',
      placedAt: T0,
      store: options.store ?? shopify(),
      now: options.now ?? T0,
    },
  };
}

/** The events of recording an order, as history for the next command. */
function placed(
  status: TikTokOrderStatus,
  options: Parameters<typeof record>[1] = {},
): OrderEvent[] {
  return orderDecider.decide(record(status, options), null);
}

const status = (to: TikTokOrderStatus, now = T1) => ({
  type: 'RecordTikTokOrderStatus' as const,
  data: { status: to, changedAt: now, now },
});
const start = (now = T1) => ({ type: 'StartOrderSync' as const, data: { now } });
const synced = (
  attempt = 1,
  platformOrderStatus: 'AWAITING_SHIPMENT' | 'FULFILLED' = 'AWAITING_SHIPMENT',
) => ({
  type: 'RecordOrderSynced' as const,
  data: {
    attempt,
    platformOrderId: 'gid://shopify/Order/1',
    platformOrderStatus,
    tags: ['FBT'],
    alreadyOnPlatform: false,
    now: T2,
  },
});
const failed = (attempt: number, retryable: boolean, maxAttempts = 3) => ({
  type: 'RecordOrderSyncFailure' as const,
  data: {
    attempt,
    reason: 'Shopify answered 503',
    retryable,
    maxAttempts,
    nextAttemptAt: T2,
    now: T1,
  },
});
const types = (events: OrderEvent[]) => events.map((e) => e.type);
const planOf = (events: OrderEvent[]) =>
  (events.find((e) => e.type === 'OrderSyncRequested') as OrderSyncRequested).data.plan;

describe('recording an order: the decision table through the Order decider', () => {
  it('seller-fulfilled, UNPAID or ON_HOLD: PENDING, waits (only OrderPlaced)', () => {
    for (const s of ['UNPAID', 'ON_HOLD'] as const) {
      const when = given([]).when(record(s, { fbt: false }));
      expect(types(when.then(() => {}))).toEqual(['OrderPlaced']);
      expect(when.state()).toMatchObject({ syncStatus: 'PENDING', appliedMode: null });
    }
  });

  it('seller-fulfilled, paid: sync as AWAITING_SHIPMENT, deduct platform inventory, no FBT tag', () => {
    const events = given([])
      .when(record('AWAITING_SHIPMENT', { fbt: false }))
      .then(() => {});
    expect(types(events)).toEqual(['OrderPlaced', 'OrderSyncRequested']);
    expect(planOf(events)).toEqual({
      platformOrderStatus: 'AWAITING_SHIPMENT',
      inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      inventoryLocation: 'ECOMMERCE_PLATFORM',
      tags: [],
    });
  });

  it('FBT under SYNC_AND_DEDUCT_INVENTORY, UNPAID or ON_HOLD: PENDING, waits', () => {
    for (const s of ['UNPAID', 'ON_HOLD'] as const) {
      expect(types(placed(s))).toEqual(['OrderPlaced']);
    }
  });

  it('FBT under SYNC_AND_DEDUCT_INVENTORY, paid: sync as AWAITING_SHIPMENT, deduct platform inventory, tag', () => {
    const events = placed('AWAITING_SHIPMENT');
    expect(planOf(events)).toEqual({
      platformOrderStatus: 'AWAITING_SHIPMENT',
      inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      inventoryLocation: 'ECOMMERCE_PLATFORM',
      tags: ['FBT'],
    });
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION, before AWAITING_COLLECTION: BLOCKED with OrderBlocked naming AWAITING_COLLECTION', () => {
    for (const s of ['UNPAID', 'ON_HOLD', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPING'] as const) {
      const when = given([]).when(record(s, { store: shopify('WAIT_FOR_AWAITING_COLLECTION') }));
      const events = when.then(() => {});
      expect(types(events)).toEqual(['OrderPlaced', 'OrderBlocked']);
      expect(events[1]).toMatchObject({
        data: {
          waitingFor: 'AWAITING_COLLECTION',
          reason: expect.stringContaining('AWAITING_COLLECTION'),
        },
      });
      expect(when.state()).toMatchObject({
        syncStatus: 'BLOCKED',
        blockedReason: expect.stringContaining('AWAITING_COLLECTION'),
      });
    }
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION, AWAITING_COLLECTION or later: sync as FULFILLED, platform inventory untouched, TikTok Shop inventory, tag', () => {
    for (const s of ['AWAITING_COLLECTION', 'IN_TRANSIT', 'DELIVERED', 'COMPLETED'] as const) {
      const events = placed(s, { store: shopify('WAIT_FOR_AWAITING_COLLECTION') });
      // First seen at AWAITING_COLLECTION or later: synced at once, never BLOCKED.
      expect(types(events)).toEqual(['OrderPlaced', 'OrderSyncRequested']);
      expect(planOf(events)).toEqual({
        platformOrderStatus: 'FULFILLED',
        inventoryBehaviour: 'BYPASS',
        inventoryLocation: 'TIKTOK_SHOP',
        tags: ['FBT'],
      });
    }
  });

  it('any order, CANCELLED before sync: CANCELLED, never synced, nothing deducted', () => {
    const when = given([]).when(record('CANCELLED'));
    expect(types(when.then(() => {}))).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(when.state()).toMatchObject({ syncStatus: 'CANCELLED', inventoryDeductedFrom: null });
  });

  it('any change after sync: recorded in history and view, no second sync', () => {
    const history = [
      ...placed('AWAITING_SHIPMENT'),
      ...orderDecider.decide(start(), stateOf(placed('AWAITING_SHIPMENT'))),
    ];
    const afterSync = [...history, ...orderDecider.decide(synced(), stateOf(history))];
    for (const next of ['IN_TRANSIT', 'DELIVERED', 'CANCELLED'] as const) {
      const when = given(afterSync).when(status(next));
      expect(types(when.then(() => {}))).toEqual(['FbtStatusChanged']);
      expect(when.state()).toMatchObject({ syncStatus: 'SYNCED', tiktokStatus: next });
    }
  });

  it('records the rules in force in OrderPlaced, and the plan and platform of the store', () => {
    const [event] = placed('UNPAID', {
      store: shopify('WAIT_FOR_AWAITING_COLLECTION', 'from-tiktok'),
    }) as [OrderPlaced];
    expect(event.data.rules).toEqual({
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
      orderTag: 'from-tiktok',
    });
    expect(event.data.store).toEqual({ platform: 'SHOPIFY', plan: 'PRO' });
  });

  it('computes the total exactly and normalizes prices to the currency digits', () => {
    const [event] = placed('UNPAID', {
      lineItems: [
        { sku: ' A ', title: ' T ', quantity: 3, unitPrice: '0.1' },
        { sku: 'B', title: null, quantity: 10_000, unitPrice: '19.99' },
      ],
    }) as [OrderPlaced];
    expect(event.data.totalAmount).toBe('199900.30');
    expect(event.data.lineItems[0]).toEqual({
      sku: 'A',
      title: 'T',
      quantity: 3,
      unitPrice: '0.10',
    });
    const [yen] = placed('UNPAID', {
      currency: 'JPY',
      lineItems: [{ sku: 'A', title: null, quantity: 3, unitPrice: '1200' }],
    }) as [OrderPlaced];
    expect(yen.data.totalAmount).toBe('3600');
  });

  it('records the same order twice as one order; a later status it carries still counts', () => {
    given(placed('UNPAID')).when(record('UNPAID')).thenNothingHappened();
    expect(
      types(
        given(placed('UNPAID'))
          .when(record('AWAITING_SHIPMENT'))
          .then(() => {}),
      ),
    ).toEqual(['FbtStatusChanged', 'OrderSyncRequested']);
  });

  it('refuses bad input with INVALID_INPUT naming each field, and decides nothing', () => {
    const error = given([])
      .when(
        record('UNPAID', {
          currency: 'XYZ',
          lineItems: [
            { sku: '', title: null, quantity: 0, unitPrice: '1' },
            { sku: 'OK', title: null, quantity: 10_001, unitPrice: '1' },
          ],
        }),
      )
      .thenThrows('INVALID_INPUT');
    expect(error.problems.map((p) => p.field)).toEqual([
      ['currency'],
      ['lineItems', '0', 'sku'],
      ['lineItems', '0', 'quantity'],
      ['lineItems', '1', 'quantity'],
    ]);
    given([])
      .when(record('UNPAID', { lineItems: [] }))
      .thenThrows('INVALID_INPUT', ['lineItems']);
    given([])
      .when(
        record('UNPAID', {
          lineItems: [{ sku: 'A', title: null, quantity: 1, unitPrice: '1.999' }],
        }),
      )
      .thenThrows('INVALID_INPUT', ['lineItems', '0', 'unitPrice']);
    given([])
      .when(
        record('UNPAID', {
          lineItems: [{ sku: 'A', title: null, quantity: 1, unitPrice: '-1.00' }],
        }),
      )
      .thenThrows('INVALID_INPUT', ['lineItems', '0', 'unitPrice']);
    given([])
      .when(
        record('UNPAID', {
          currency: 'JPY',
          lineItems: [{ sku: 'A', title: null, quantity: 1, unitPrice: '1.5' }],
        }),
      )
      .thenThrows('INVALID_INPUT', ['lineItems', '0', 'unitPrice']);
    given([])
      .when(record('UNPAID', { lineItems: Array.from({ length: 251 }, () => items[0]!) }))
      .thenThrows('INVALID_INPUT', ['lineItems']);
  });

  it('refuses text PostgreSQL cannot store and instants in year 0', () => {
    const error = given([])
      .when(
        record('UNPAID', {
          lineItems: [{ sku: 'A\ud800', title: 'Mug \udc00', quantity: 1, unitPrice: '1' }],
        }),
      )
      .thenThrows('INVALID_INPUT');
    expect(error.problems.map((p) => p.field)).toEqual([
      ['lineItems', '0', 'sku'],
      ['lineItems', '0', 'title'],
    ]);
    const yearZero = record('UNPAID');
    yearZero.data.placedAt = '0000-12-31T23:30:00.000Z';
    given([]).when(yearZero).thenThrows('INVALID_INPUT', ['placedAt']);
  });

  it('refuses instants of the right shape that are not on the calendar', () => {
    // Date would read the first as 2 March and the second as midnight next day;
    // the order's instants are stored as written, so they must be real ones.
    for (const placedAt of [
      '2026-02-30T10:00:00.000Z',
      '2026-02-29T10:00:00.000Z',
      '2100-02-29T10:00:00.000Z',
      '2026-04-31T10:00:00.000Z',
      '2026-11-28T24:00:00.000Z',
      '2026-13-01T10:00:00.000Z',
      '2026-11-28T10:60:00.000Z',
    ]) {
      const command = record('UNPAID');
      command.data.placedAt = placedAt;
      given([]).when(command).thenThrows('INVALID_INPUT', ['placedAt']);
    }
    const leapDay = record('UNPAID');
    leapDay.data.placedAt = '2028-02-29T23:59:59.999Z';
    const placedOnLeapDay = given([])
      .when(leapDay)
      .then(() => {});
    expect(types(placedOnLeapDay)).toEqual(['OrderPlaced']);
    expect(placedOnLeapDay[0]!.data).toMatchObject({ placedAt: '2028-02-29T23:59:59.999Z' });
  });
});

function stateOf(events: OrderEvent[]) {
  return events.reduce(orderDecider.evolve, orderDecider.initialState());
}

describe('TikTok status changes', () => {
  it('a duplicate status writes nothing', () => {
    given(placed('AWAITING_SHIPMENT')).when(status('AWAITING_SHIPMENT')).thenNothingHappened();
  });

  it('a stale status (ranked below the current one) writes nothing', () => {
    given(placed('IN_TRANSIT', { fbt: false }))
      .when(status('AWAITING_SHIPMENT'))
      .thenNothingHappened();
    given(placed('AWAITING_SHIPMENT')).when(status('ON_HOLD')).thenNothingHappened();
  });

  it('CANCELLED after DELIVERED or COMPLETED is ignored; nothing follows CANCELLED', () => {
    given(placed('DELIVERED')).when(status('CANCELLED')).thenNothingHappened();
    given(placed('COMPLETED')).when(status('CANCELLED')).thenNothingHappened();
    given(placed('CANCELLED')).when(status('AWAITING_SHIPMENT')).thenNothingHappened();
    given(placed('CANCELLED')).when(status('CANCELLED')).thenNothingHappened();
  });

  it('records FBT orders with FbtStatusChanged and seller orders with OrderStatusChanged', () => {
    expect(
      types(
        given(placed('UNPAID'))
          .when(status('ON_HOLD'))
          .then(() => {}),
      ),
    ).toEqual(['FbtStatusChanged']);
    expect(
      types(
        given(placed('UNPAID', { fbt: false }))
          .when(status('ON_HOLD'))
          .then(() => {}),
      ),
    ).toEqual(['OrderStatusChanged']);
  });

  it('payment of a waiting order requests its sync', () => {
    expect(
      types(
        given(placed('ON_HOLD', { fbt: false }))
          .when(status('AWAITING_SHIPMENT'))
          .then(() => {}),
      ),
    ).toEqual(['OrderStatusChanged', 'OrderSyncRequested']);
  });

  it('a BLOCKED order stays BLOCKED until AWAITING_COLLECTION, then is released to sync as FULFILLED', () => {
    const blocked = placed('UNPAID', { store: shopify('WAIT_FOR_AWAITING_COLLECTION') });
    expect(
      types(
        given(blocked)
          .when(status('AWAITING_SHIPMENT'))
          .then(() => {}),
      ),
    ).toEqual(['FbtStatusChanged']);
    const released = given(blocked).when(status('AWAITING_COLLECTION'));
    const events = released.then(() => {});
    expect(types(events)).toEqual(['FbtStatusChanged', 'OrderSyncRequested']);
    expect(planOf(events).platformOrderStatus).toBe('FULFILLED');
    expect(released.state()).toMatchObject({ syncStatus: 'PENDING', blockedReason: null });
  });

  it('a status jump past AWAITING_COLLECTION also releases a BLOCKED order', () => {
    const blocked = placed('AWAITING_SHIPMENT', { store: shopify('WAIT_FOR_AWAITING_COLLECTION') });
    expect(
      types(
        given(blocked)
          .when(status('DELIVERED'))
          .then(() => {}),
      ),
    ).toEqual(['FbtStatusChanged', 'OrderSyncRequested']);
  });

  it('a BLOCKED order cancelled on TikTok Shop is CANCELLED', () => {
    const blocked = placed('AWAITING_SHIPMENT', { store: shopify('WAIT_FOR_AWAITING_COLLECTION') });
    const when = given(blocked).when(status('CANCELLED'));
    expect(types(when.then(() => {}))).toEqual(['FbtStatusChanged', 'OrderCancelled']);
    expect(when.state()).toMatchObject({ syncStatus: 'CANCELLED' });
  });

  it('an order cancelled while its sync is queued is CANCELLED and no longer due', () => {
    const queued = placed('AWAITING_SHIPMENT');
    const when = given(queued).when(status('CANCELLED'));
    expect(types(when.then(() => {}))).toEqual(['FbtStatusChanged', 'OrderCancelled']);
    given([...queued, ...when.then(() => {})])
      .when(start())
      .thenThrows('INVALID_STATE');
  });

  it('a status for an unknown order is NOT_FOUND', () => {
    given([]).when(status('AWAITING_SHIPMENT')).thenThrows('NOT_FOUND');
  });
});

describe('syncing', () => {
  const queued = placed('AWAITING_SHIPMENT');
  const inFlight = [...queued, ...orderDecider.decide(start(), stateOf(queued))];

  it('starts attempt 1, then records OrderSynced with InventoryDeducted at the planned location, summed per SKU', () => {
    expect(orderDecider.decide(start(), stateOf(queued))).toEqual([
      { type: 'OrderSyncStarted', data: { orderId: 'o-1', attempt: 1, startedAt: T1 } },
    ]);
    const when = given(inFlight).when(synced(1));
    const events = when.then(() => {});
    expect(types(events)).toEqual(['OrderSynced', 'InventoryDeducted']);
    expect(events[1]).toEqual({
      type: 'InventoryDeducted',
      data: {
        orderId: 'o-1',
        storeId: 'store-1',
        location: 'ECOMMERCE_PLATFORM',
        items: [
          { sku: 'MUG', quantity: 3 },
          { sku: 'CAP', quantity: 1 },
        ],
        deductedAt: T2,
      },
    });
    expect(when.state()).toMatchObject({
      syncStatus: 'SYNCED',
      syncAttempts: 1,
      platformOrderId: 'gid://shopify/Order/1',
      inventoryDeductedFrom: 'ECOMMERCE_PLATFORM',
      syncedAt: T2,
    });
  });

  it('records a second success as nothing (no second sync, no second deduction)', () => {
    const done = [...inFlight, ...orderDecider.decide(synced(1), stateOf(inFlight))];
    given(done).when(synced(1)).thenNothingHappened();
    given(done).when(start()).thenThrows('INVALID_STATE');
  });

  it('refuses a result for an attempt that is not in flight', () => {
    given(queued).when(synced(1)).thenThrows('INVALID_STATE');
    given(inFlight).when(synced(2)).thenThrows('INVALID_STATE');
    given(inFlight).when(failed(2, true)).thenThrows('INVALID_STATE');
  });

  it('a retryable failure keeps the order PENDING with a next attempt time, until the attempts run out: FAILED', () => {
    let history = inFlight;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const events = orderDecider.decide(failed(attempt, true, 3), stateOf(history));
      history = [...history, ...events];
      const state = stateOf(history)!;
      if (attempt < 3) {
        expect(state).toMatchObject({
          syncStatus: 'PENDING',
          failureReason: 'Shopify answered 503',
          nextAttemptAt: T2,
        });
        // Not due before its next attempt time.
        given(history).when(start(T1)).thenThrows('INVALID_STATE');
        history = [...history, ...orderDecider.decide(start(T2), state)];
      } else {
        expect(state).toMatchObject({ syncStatus: 'FAILED', syncAttempts: 3, nextAttemptAt: null });
        expect(state.failureReason).toMatch(/gave up after 3 attempts/);
      }
    }
  });

  it('a refusal that will not change is FAILED at once', () => {
    const state = given(inFlight).when(failed(1, false)).state();
    expect(state).toMatchObject({
      syncStatus: 'FAILED',
      failureReason: 'Shopify answered 503',
      syncAttempts: 1,
    });
  });

  it('retryOrderSync queues a FAILED order again with the same plan; syncAttempts keeps counting', () => {
    const failedHistory = [
      ...inFlight,
      ...orderDecider.decide(failed(1, false), stateOf(inFlight)),
    ];
    const when = given(failedHistory).when({
      type: 'RetryOrderSync',
      data: { now: T2, actor: 'admin@shop' },
    });
    const [event] = when.then(() => {});
    expect(event).toMatchObject({
      type: 'OrderSyncRequested',
      data: { plan: planOf(queued), requestedBy: 'admin@shop' },
    });
    expect(when.state()).toMatchObject({ syncStatus: 'PENDING', syncAttempts: 1 });
    const again = [...failedHistory, ...when.then(() => {})];
    expect(orderDecider.decide(start(T2), stateOf(again))).toEqual([
      { type: 'OrderSyncStarted', data: { orderId: 'o-1', attempt: 2, startedAt: T2 } },
    ]);
  });

  it('retryOrderSync of an order that is not FAILED is INVALID_STATE', () => {
    for (const history of [queued, inFlight, placed('UNPAID'), placed('CANCELLED')]) {
      given(history)
        .when({ type: 'RetryOrderSync', data: { now: T2, actor: 'a' } })
        .thenThrows('INVALID_STATE', ['orderId']);
    }
  });

  it('a cancellation while an attempt is in flight waits for its answer: synced stays synced', () => {
    const cancelled = [...inFlight, ...orderDecider.decide(status('CANCELLED'), stateOf(inFlight))];
    expect(types(cancelled.slice(inFlight.length))).toEqual(['FbtStatusChanged']);
    expect(
      types(
        given(cancelled)
          .when(synced(1))
          .then(() => {}),
      ),
    ).toEqual(['OrderSynced', 'InventoryDeducted']);
  });

  it('a cancellation while an attempt is in flight that then fails ends CANCELLED, not retried', () => {
    const cancelled = [...inFlight, ...orderDecider.decide(status('CANCELLED'), stateOf(inFlight))];
    const when = given(cancelled).when(failed(1, true));
    expect(types(when.then(() => {}))).toEqual(['OrderSyncFailed', 'OrderCancelled']);
    expect(when.state()).toMatchObject({ syncStatus: 'CANCELLED' });
  });

  it('a new attempt supersedes one cut short by a crash', () => {
    const restarted = orderDecider.decide(start(T2), stateOf(inFlight));
    expect(restarted).toEqual([
      { type: 'OrderSyncStarted', data: { orderId: 'o-1', attempt: 2, startedAt: T2 } },
    ]);
    given([...inFlight, ...restarted])
      .when(synced(1))
      .thenThrows('INVALID_STATE');
  });
});
