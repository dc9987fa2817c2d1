import { describe, expect, it } from '@jest/globals';
import type {
  CancelInitiator,
  LineUnits,
  ReturnStatus,
} from '../../src/domain/afterSyncVocabulary';
import {
  isMirroringDue,
  mirroringsDue,
  mirroringStatusOf,
  needsCancellationDetails,
} from '../../src/domain/orderAfterSync';
import {
  orderDecider,
  type OrderCommand,
  type RecordTikTokOrder,
  type StoreSnapshot,
} from '../../src/domain/orderDecider';
import type {
  OrderEvent,
  PlatformCancellationRequested,
  PlatformRefundRequested,
} from '../../src/domain/orderEvents';
import type { Order } from '../../src/domain/orderState';
import type { LineItem } from '../../src/domain/orderVocabulary';
import type { FbtSyncMode, OnHoldOrders } from '../../src/domain/storeVocabulary';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(orderDecider);
const T0 = '2026-11-28T10:00:00.000Z';
const T1 = '2026-11-28T10:05:00.000Z';
const T2 = '2026-11-28T10:10:00.000Z';
const T3 = '2026-11-28T10:15:00.000Z';

/** 2 x MUG at 12.50 and 1 x CAP at 9.99: 34.99 USD. */
const items: LineItem[] = [
  { sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '12.50' },
  { sku: 'CAP', title: null, quantity: 1, unitPrice: '9.99' },
];

interface Setup {
  fbt?: boolean;
  mode?: FbtSyncMode;
  onHoldOrders?: OnHoldOrders;
  restockReturns?: boolean;
}

function record(status: TikTokOrderStatus, setup: Setup = {}): RecordTikTokOrder {
  const store: StoreSnapshot = {
    storeId: 'store-1',
    platform: 'SHOPIFY',
    plan: 'PRO',
    rules: { mode: setup.mode ?? 'SYNC_AND_DEDUCT_INVENTORY', orderTag: null },
    settings: {
      onHoldOrders: setup.onHoldOrders ?? 'WAIT_FOR_RELEASE',
      restockReturns: setup.restockReturns ?? false,
    },
  };
  return {
    type: 'RecordTikTokOrder',
    data: {
      orderId: 'o-1',
      tiktokOrderId: '5770001',
      fulfillmentType: setup.fbt === false ? 'FULFILLED_BY_SELLER' : 'FULFILLED_BY_TIKTOK',
      status,
      lineItems: items,
      currency: 'USD',
      placedAt: T0,
      store,
      now: T0,
    },
  };
}

const stateOf = (events: OrderEvent[]) =>
  events.reduce(orderDecider.evolve, orderDecider.initialState());
/** The history with the command's events appended. */
const then = (history: OrderEvent[], command: OrderCommand) => [
  ...history,
  ...orderDecider.decide(command, stateOf(history)),
];
const types = (events: OrderEvent[]) => events.map((e) => e.type);

const status = (to: TikTokOrderStatus, now = T1): OrderCommand => ({
  type: 'RecordTikTokOrderStatus',
  data: { status: to, changedAt: now, now },
});
const start: OrderCommand = { type: 'StartOrderSync', data: { now: T1 } };
const synced: OrderCommand = {
  type: 'RecordOrderSynced',
  data: {
    attempt: 1,
    platformOrderId: 'gid://shopify/Order/1',
    platformOrderStatus: 'AWAITING_SHIPMENT',
    tags: [],
    alreadyOnPlatform: false,
    now: T1,
  },
};
const cancellation = (
  lines: LineUnits[] | null = null,
  cancellationId: string | null = lines === null ? null : 'C1',
  initiator: CancelInitiator = 'BUYER',
): OrderCommand => ({
  type: 'RecordTikTokCancellation',
  data: {
    cancellationId,
    lines,
    reason: ' Buyer changed their mind ',
    initiator,
    cancelledAt: T2,
    now: T2,
  },
});
const tiktokReturn = (
  returnId: string,
  options: {
    status?: ReturnStatus;
    lines?: LineUnits[];
    amount?: string;
    returnType?: 'REFUND_ONLY' | 'RETURN_AND_REFUND';
    currency?: string;
  } = {},
): OrderCommand => ({
  type: 'RecordTikTokReturn',
  data: {
    returnId,
    status: options.status ?? 'COMPLETED',
    returnType: options.returnType ?? 'RETURN_AND_REFUND',
    lines: options.lines ?? [{ line: 0, quantity: 1 }],
    amount: options.amount ?? '12.50',
    currency: options.currency ?? 'USD',
    changedAt: T2,
    now: T2,
  },
});
const startMirroring = (key: string, now = T2): OrderCommand => ({
  type: 'StartPlatformMirroring',
  data: { key, now },
});
const mirrored = (key: string, attempt = 1): OrderCommand => ({
  type: 'RecordPlatformMirrored',
  data: {
    key,
    attempt,
    platformReference: 'gid://shopify/Refund/9',
    alreadyOnPlatform: false,
    now: T3,
  },
});
const mirroringFailed = (key: string, attempt: number, retryable = true): OrderCommand => ({
  type: 'RecordPlatformMirroringFailure',
  data: {
    key,
    attempt,
    reason: 'Shopify answered 503',
    retryable,
    maxAttempts: 2,
    nextAttemptAt: T3,
    now: T2,
  },
});
const retry: OrderCommand = { type: 'RetryOrderSync', data: { now: T3, actor: 'admin@shop' } };

/** An order synced at AWAITING_SHIPMENT (or, under WAIT, at AWAITING_COLLECTION). */
function syncedOrder(setup: Setup = {}): OrderEvent[] {
  const first =
    setup.mode === 'WAIT_FOR_AWAITING_COLLECTION' ? 'AWAITING_COLLECTION' : 'AWAITING_SHIPMENT';
  return then(then(orderDecider.decide(record(first, setup), null), start), synced);
}
const requestIn = <T extends OrderEvent['type']>(events: OrderEvent[], type: T) =>
  events.find((e) => e.type === type) as Extract<OrderEvent, { type: T }>;
const plannedLines = (request: PlatformCancellationRequested | PlatformRefundRequested) =>
  request.data.lines.map((l) => [l.line, l.quantity, l.restockType]);

describe('the whole order cancelled after sync', () => {
  it('seller-fulfilled: the status, the fact with reason and initiator, and one platform cancellation restocking what was deducted', () => {
    const history = syncedOrder({ fbt: false });
    const events = given(history)
      .when(cancellation())
      .then(() => {});
    expect(types(events)).toEqual([
      'OrderStatusChanged',
      'OrderCancelledAfterSync',
      'PlatformCancellationRequested',
    ]);
    expect(events[1]!.data).toMatchObject({
      reason: 'Buyer changed their mind',
      initiator: 'BUYER',
      cancelledAt: T2,
    });
    const request = requestIn(events, 'PlatformCancellationRequested');
    expect(request.data).toMatchObject({
      key: 'cancel-order',
      scope: 'ORDER',
      reason: 'Buyer changed their mind',
      initiator: 'BUYER',
      restock: true,
      amount: null,
    });
    expect(plannedLines(request)).toEqual([
      [0, 2, 'CANCEL'],
      [1, 1, 'CANCEL'],
    ]);
    const after = [...history, ...events];
    // Once: every later delivery, and the status webhook, change nothing.
    given(after).when(cancellation()).thenNothingHappened();
    given(after)
      .when(cancellation(null, 'C-other', 'SYSTEM'))
      .thenNothingHappened();
    given(after).when(status('CANCELLED', T3)).thenNothingHappened();
    expect(stateOf(after)).toMatchObject({ syncStatus: 'SYNCED', tiktokStatus: 'CANCELLED' });
    expect(mirroringsDue(stateOf(after)!, T2).map((m) => m.key)).toEqual(['cancel-order']);
  });

  it('FBT under SYNC_AND_DEDUCT_INVENTORY: restocked at the platform', () => {
    const events = given(syncedOrder())
      .when(cancellation())
      .then(() => {});
    const request = requestIn(events, 'PlatformCancellationRequested');
    expect(request.data.restock).toBe(true);
    expect(plannedLines(request)).toEqual([
      [0, 2, 'CANCEL'],
      [1, 1, 'CANCEL'],
    ]);
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION: cancelled once, nothing restocked (the platform was never deducted)', () => {
    const events = given(syncedOrder({ mode: 'WAIT_FOR_AWAITING_COLLECTION' }))
      .when(cancellation())
      .then(() => {});
    const request = requestIn(events, 'PlatformCancellationRequested');
    expect(request.data.restock).toBe(false);
    expect(plannedLines(request)).toEqual([
      [0, 2, 'NO_RESTOCK'],
      [1, 1, 'NO_RESTOCK'],
    ]);
  });

  it('the status webhook first (no reason): the status alone, as before; the cancellation recorded later cancels once', () => {
    const cancelledStatus = then(syncedOrder(), status('CANCELLED'));
    expect(types(cancelledStatus.slice(-1))).toEqual(['FbtStatusChanged']);
    expect(needsCancellationDetails(stateOf(cancelledStatus)!)).toBe(true);
    const events = given(cancelledStatus)
      .when(cancellation())
      .then(() => {});
    expect(types(events)).toEqual(['OrderCancelledAfterSync', 'PlatformCancellationRequested']);
    expect(needsCancellationDetails(stateOf([...cancelledStatus, ...events])!)).toBe(false);
  });

  it('before sync it is the CANCELLED-before-sync row: never synced', () => {
    const queued = orderDecider.decide(record('AWAITING_SHIPMENT'), null);
    expect(
      types(
        given(queued)
          .when(cancellation())
          .then(() => {}),
      ),
    ).toEqual(['FbtStatusChanged', 'OrderCancelled']);
  });

  it('with an attempt in flight, the status waits for its answer as before; the answer does not cancel', () => {
    const inFlight = then(orderDecider.decide(record('AWAITING_SHIPMENT'), null), start);
    const cancelled = then(inFlight, cancellation());
    expect(types(cancelled.slice(inFlight.length))).toEqual(['FbtStatusChanged']);
    const answered = then(cancelled, synced);
    expect(types(answered.slice(cancelled.length))).toEqual(['OrderSynced', 'InventoryDeducted']);
    // The reconciliation finds it and records the cancellation: cancelled once on the platform.
    expect(needsCancellationDetails(stateOf(answered)!)).toBe(true);
    expect(
      types(
        given(answered)
          .when(cancellation())
          .then(() => {}),
      ),
    ).toEqual(['OrderCancelledAfterSync', 'PlatformCancellationRequested']);
  });

  it('after DELIVERED a cancellation is ignored', () => {
    given(then(syncedOrder(), status('DELIVERED')))
      .when(cancellation())
      .thenNothingHappened();
  });
});

describe('lines cancelled', () => {
  it('after sync: the fact and a cancellation of those lines, refunded at their value, CANCEL where deducted', () => {
    const history = syncedOrder();
    const events = given(history)
      .when(cancellation([{ line: 0, quantity: 1 }]))
      .then(() => {});
    expect(types(events)).toEqual(['OrderLinesCancelled', 'PlatformCancellationRequested']);
    expect(events[0]!.data).toMatchObject({
      cancellationId: 'C1',
      lines: [{ line: 0, sku: 'MUG', quantity: 1 }],
    });
    const request = requestIn(events, 'PlatformCancellationRequested');
    expect(request.data).toMatchObject({
      key: 'cancel-lines:C1',
      scope: 'LINES',
      amount: '12.50',
      currency: 'USD',
      restock: true,
    });
    expect(plannedLines(request)).toEqual([[0, 1, 'CANCEL']]);
    // The same TikTok cancellation again: nothing.
    given([...history, ...events])
      .when(cancellation([{ line: 0, quantity: 1 }]))
      .thenNothingHappened();
  });

  it('under WAIT_FOR_AWAITING_COLLECTION: NO_RESTOCK', () => {
    const events = given(syncedOrder({ mode: 'WAIT_FOR_AWAITING_COLLECTION' }))
      .when(cancellation([{ line: 1, quantity: 1 }]))
      .then(() => {});
    expect(plannedLines(requestIn(events, 'PlatformCancellationRequested'))).toEqual([
      [1, 1, 'NO_RESTOCK'],
    ]);
  });

  it('then the whole order: only the units still on it, restocked no more than deducted', () => {
    const partly = then(syncedOrder(), cancellation([{ line: 0, quantity: 1 }]));
    const events = given(partly)
      .when(cancellation())
      .then(() => {});
    expect(plannedLines(requestIn(events, 'PlatformCancellationRequested'))).toEqual([
      [0, 1, 'CANCEL'],
      [1, 1, 'CANCEL'],
    ]);
  });

  it('after the whole order was cancelled: nothing', () => {
    given(then(syncedOrder(), cancellation()))
      .when(cancellation([{ line: 0, quantity: 1 }], 'C9'))
      .thenNothingHappened();
  });

  it('before sync: recorded, and mirrored once the order reached the platform', () => {
    const inFlight = then(orderDecider.decide(record('AWAITING_SHIPMENT'), null), start);
    const recorded = then(inFlight, cancellation([{ line: 1, quantity: 1 }]));
    expect(types(recorded.slice(inFlight.length))).toEqual(['OrderLinesCancelled']);
    const events = given(recorded)
      .when(synced)
      .then(() => {});
    expect(types(events)).toEqual([
      'OrderSynced',
      'InventoryDeducted',
      'PlatformCancellationRequested',
    ]);
    expect(plannedLines(requestIn(events, 'PlatformCancellationRequested'))).toEqual([
      [1, 1, 'CANCEL'],
    ]);
  });

  it('on an order cancelled before sync: nothing (it never reaches the platform)', () => {
    given(orderDecider.decide(record('CANCELLED'), null))
      .when(cancellation([{ line: 0, quantity: 1 }]))
      .thenNothingHappened();
  });
});

describe('returns and refunds', () => {
  it('seller-fulfilled, restockReturns off: the fact and a refund of its lines and amount, nothing restocked', () => {
    const history = syncedOrder({ fbt: false });
    const events = given(history)
      .when(tiktokReturn('R1'))
      .then(() => {});
    expect(types(events)).toEqual(['OrderRefundCompleted', 'PlatformRefundRequested']);
    const request = requestIn(events, 'PlatformRefundRequested');
    expect(request.data).toMatchObject({
      key: 'refund:R1',
      returnId: 'R1',
      amount: '12.50',
      currency: 'USD',
      note: 'TikTok Shop return R1',
    });
    expect(plannedLines(request)).toEqual([[0, 1, 'NO_RESTOCK']]);
    expect(request.data.lines[0]!.why).toMatch(/restockReturns is off/);
    // Once per TikTok return, whatever its later deliveries say.
    for (const s of ['COMPLETED', 'REJECTED', 'WITHDRAWN'] as const)
      given([...history, ...events])
        .when(tiktokReturn('R1', { status: s }))
        .thenNothingHappened();
  });

  it('seller-fulfilled, restockReturns on when it was placed: RETURN; the setting is recorded with the order', () => {
    const placed = orderDecider.decide(
      record('AWAITING_SHIPMENT', { fbt: false, restockReturns: true }),
      null,
    );
    expect(types(placed)).toEqual(['OrderPlaced', 'OrderSettingsRecorded', 'OrderSyncRequested']);
    expect(placed[1]!.data).toEqual({
      orderId: 'o-1',
      onHoldOrders: 'WAIT_FOR_RELEASE',
      restockReturns: true,
      recordedAt: T0,
    });
    const history = then(then(placed, start), synced);
    const events = given(history)
      .when(tiktokReturn('R1'))
      .then(() => {});
    expect(plannedLines(requestIn(events, 'PlatformRefundRequested'))).toEqual([[0, 1, 'RETURN']]);
  });

  it('FBT returns are never restocked, whatever the setting', () => {
    const events = given(syncedOrder({ restockReturns: true }))
      .when(tiktokReturn('R1'))
      .then(() => {});
    expect(plannedLines(requestIn(events, 'PlatformRefundRequested'))).toEqual([
      [0, 1, 'NO_RESTOCK'],
    ]);
  });

  it('rejected, withdrawn or still under way: nothing', () => {
    for (const s of ['REQUESTED', 'REJECTED', 'WITHDRAWN'] as const)
      given(syncedOrder())
        .when(tiktokReturn('R1', { status: s }))
        .thenNothingHappened();
  });

  it("never more refunded than the order's total: the second refund is clamped to what is left", () => {
    const first = then(syncedOrder(), tiktokReturn('R1', { amount: '30.00', lines: [] }));
    expect(requestIn(first, 'PlatformRefundRequested').data.amount).toBe('30.00');
    const events = given(first)
      .when(tiktokReturn('R2', { amount: '10.00', lines: [{ line: 1, quantity: 1 }] }))
      .then(() => {});
    const request = requestIn(events, 'PlatformRefundRequested');
    expect(request.data.amount).toBe('4.99');
    expect(request.data.why).toContain('10.00 USD clamped to the 4.99 USD');
    // TikTok's own figure stays in the fact.
    expect(events[0]!.data).toMatchObject({ amount: '10.00' });
    // Nothing left to refund and no units: nothing at all.
    const spent = [...first, ...events];
    given(spent)
      .when(tiktokReturn('R3', { amount: '1.00', lines: [{ line: 1, quantity: 1 }] }))
      .thenNothingHappened();
  });

  it('before sync: recorded, refunded once the order reached the platform', () => {
    const blocked = orderDecider.decide(
      record('AWAITING_SHIPMENT', { mode: 'WAIT_FOR_AWAITING_COLLECTION' }),
      null,
    );
    expect(types(blocked)).toEqual(['OrderPlaced', 'OrderBlocked']);
    const recorded = then(blocked, tiktokReturn('R1', { returnType: 'REFUND_ONLY' }));
    expect(types(recorded.slice(blocked.length))).toEqual(['OrderRefundCompleted']);
    const queued = then(recorded, status('AWAITING_COLLECTION'));
    const inFlight = then(queued, start);
    expect(
      types(
        given(inFlight)
          .when(synced)
          .then(() => {}),
      ),
    ).toEqual(['OrderSynced', 'InventoryDeducted', 'PlatformRefundRequested']);
  });
});

describe('mirroring, as the sync', () => {
  const requested = then(syncedOrder({ fbt: false }), cancellation([{ line: 0, quantity: 2 }]));
  const key = 'cancel-lines:C1';

  it('starts attempt 1, then records the outcome with the units restocked, once', () => {
    expect(isMirroringDue(stateOf(requested)!, key, T2)).toBe(true);
    const started = then(requested, startMirroring(key));
    expect(started.at(-1)).toEqual({
      type: 'PlatformMirroringStarted',
      data: { orderId: 'o-1', key, attempt: 1, startedAt: T2 },
    });
    const events = given(started)
      .when(mirrored(key))
      .then(() => {});
    expect(events).toEqual([
      {
        type: 'PlatformMirrored',
        data: {
          orderId: 'o-1',
          key,
          attempt: 1,
          platformReference: 'gid://shopify/Refund/9',
          alreadyOnPlatform: false,
          mirroredAt: T3,
        },
      },
      {
        type: 'InventoryRestocked',
        data: {
          orderId: 'o-1',
          storeId: 'store-1',
          key,
          location: 'ECOMMERCE_PLATFORM',
          lines: [{ line: 0, sku: 'MUG', quantity: 2 }],
          restockedAt: T3,
        },
      },
    ]);
    const done = [...started, ...events];
    given(done).when(mirrored(key)).thenNothingHappened();
    given(done).when(startMirroring(key)).thenThrows('INVALID_STATE', ['key']);
    expect(mirroringStatusOf(stateOf(done)!)).toBe('MIRRORED');
  });

  it('a plan that restocks nothing restocks nothing when mirrored', () => {
    const history = then(
      then(syncedOrder({ mode: 'WAIT_FOR_AWAITING_COLLECTION' }), cancellation()),
      startMirroring('cancel-order'),
    );
    expect(
      types(
        given(history)
          .when(mirrored('cancel-order'))
          .then(() => {}),
      ),
    ).toEqual(['PlatformMirrored']);
  });

  it('refuses an outcome for an attempt not in flight and a key that does not exist', () => {
    given(requested).when(mirrored(key)).thenThrows('INVALID_STATE', ['key']);
    given(then(requested, startMirroring(key)))
      .when(mirroringFailed(key, 2))
      .thenThrows('INVALID_STATE', ['key']);
    given(requested).when(startMirroring('refund:nope')).thenThrows('INVALID_STATE', ['key']);
  });

  it('a retryable failure waits for its next attempt, until the attempts run out: FAILED, then retryOrderSync', () => {
    let history = then(then(requested, startMirroring(key)), mirroringFailed(key, 1));
    let mirroring = stateOf(history)!.afterSync.mirrorings[0]!;
    expect(mirroring).toMatchObject({ status: 'PENDING', nextAttemptAt: T3 });
    expect(mirroringStatusOf(stateOf(history)!)).toBe('PENDING');
    given(history).when(startMirroring(key, T2)).thenThrows('INVALID_STATE', ['key']);
    history = then(then(history, startMirroring(key, T3)), mirroringFailed(key, 2));
    mirroring = stateOf(history)!.afterSync.mirrorings[0]!;
    expect(mirroring).toMatchObject({ status: 'FAILED', attempts: 2, nextAttemptAt: null });
    expect(mirroring.failureReason).toMatch(/gave up after 2 attempts/);
    expect(mirroringStatusOf(stateOf(history)!)).toBe('FAILED');
    expect(mirroringsDue(stateOf(history)!, T3)).toEqual([]);

    const events = given(history)
      .when(retry)
      .then(() => {});
    expect(events).toEqual([
      {
        type: 'PlatformMirroringRetryRequested',
        data: {
          orderId: 'o-1',
          key,
          reason: expect.stringContaining('retry requested by admin@shop'),
          requestedBy: 'admin@shop',
          requestedAt: T3,
        },
      },
    ]);
    const again = [...history, ...events];
    expect(orderDecider.decide(startMirroring(key, T3), stateOf(again))).toEqual([
      {
        type: 'PlatformMirroringStarted',
        data: { orderId: 'o-1', key, attempt: 3, startedAt: T3 },
      },
    ]);
  });

  it('a refusal that will not change is FAILED at once; a synced order with nothing failed is not retried', () => {
    const failed = then(then(requested, startMirroring(key)), mirroringFailed(key, 1, false));
    expect(stateOf(failed)!.afterSync.mirrorings[0]!.status).toBe('FAILED');
    given(requested).when(retry).thenThrows('INVALID_STATE', ['orderId']);
  });
});

describe('the ON_HOLD window', () => {
  const onHold = { fbt: false, onHoldOrders: 'SYNC_ON_HOLD' as const };

  it('SYNC_ON_HOLD: an ON_HOLD order is due for sync at once, held; the setting is recorded with it', () => {
    const events = orderDecider.decide(record('ON_HOLD', onHold), null);
    expect(types(events)).toEqual(['OrderPlaced', 'OrderSettingsRecorded', 'OrderSyncRequested']);
    expect(requestIn(events, 'OrderSyncRequested').data.plan).toEqual({
      platformOrderStatus: 'AWAITING_SHIPMENT',
      inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      inventoryLocation: 'ECOMMERCE_PLATFORM',
      tags: [],
      onHold: true,
    });
  });

  it('WAIT_FOR_RELEASE: it waits, as today', () => {
    expect(types(orderDecider.decide(record('ON_HOLD', { fbt: false }), null))).toEqual([
      'OrderPlaced',
    ]);
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION stays BLOCKED through ON_HOLD whatever the setting', () => {
    const events = orderDecider.decide(
      record('ON_HOLD', { mode: 'WAIT_FOR_AWAITING_COLLECTION', onHoldOrders: 'SYNC_ON_HOLD' }),
      null,
    );
    expect(types(events)).toEqual(['OrderPlaced', 'OrderSettingsRecorded', 'OrderBlocked']);
  });

  const held = then(then(orderDecider.decide(record('ON_HOLD', onHold), null), start), synced);

  it('released by TikTok: the hold release is requested, once', () => {
    const events = given(held)
      .when(status('AWAITING_SHIPMENT', T2))
      .then(() => {});
    expect(types(events)).toEqual(['OrderStatusChanged', 'PlatformHoldReleaseRequested']);
    expect(events[1]!.data).toMatchObject({ key: 'release-hold' });
    given([...held, ...events])
      .when(status('IN_TRANSIT', T3))
      .then((later) => expect(types(later)).toEqual(['OrderStatusChanged']));
  });

  it('released while the sync was in flight: the release is requested with the sync', () => {
    const inFlight = then(orderDecider.decide(record('ON_HOLD', onHold), null), start);
    const released = then(inFlight, status('AWAITING_SHIPMENT', T1));
    expect(
      types(
        given(released)
          .when(synced)
          .then(() => {}),
      ),
    ).toEqual(['OrderSynced', 'InventoryDeducted', 'PlatformHoldReleaseRequested']);
  });

  it('cancelled inside the window: the CANCELLED row, restocked; no release after', () => {
    const events = given(held)
      .when(cancellation())
      .then(() => {});
    expect(types(events)).toEqual([
      'OrderStatusChanged',
      'OrderCancelledAfterSync',
      'PlatformCancellationRequested',
    ]);
    expect(requestIn(events, 'PlatformCancellationRequested').data).toMatchObject({
      restock: true,
      why: expect.stringContaining('inside the ON_HOLD window'),
    });
  });

  it('cancelled once the release was requested but not begun: the release is SUPERSEDED, not due', () => {
    const released = then(held, status('AWAITING_SHIPMENT', T2));
    const cancelled = then(released, cancellation());
    const order: Order = stateOf(cancelled)!;
    expect(order.afterSync.mirrorings.map((m) => [m.key, m.status])).toEqual([
      ['release-hold', 'SUPERSEDED'],
      ['cancel-order', 'PENDING'],
    ]);
    expect(mirroringsDue(order, T3).map((m) => m.key)).toEqual(['cancel-order']);
  });
});

describe('refusing what is not a TikTok fact', () => {
  const history = syncedOrder();

  it('lines: each named once, of this order, 1 to their quantity units; a cancellation of lines needs its id', () => {
    const error = given(history)
      .when(
        cancellation([
          { line: 0, quantity: 3 },
          { line: 0, quantity: 1 },
          { line: 7, quantity: 1 },
        ]),
      )
      .thenThrows('INVALID_INPUT');
    expect(error.problems.map((p) => p.field)).toEqual([
      ['lines', '0', 'quantity'],
      ['lines', '1', 'line'],
      ['lines', '2', 'line'],
    ]);
    given(history)
      .when(cancellation([{ line: 0, quantity: 1 }], null))
      .thenThrows('INVALID_INPUT', ['cancellationId']);
    given(history).when(cancellation([])).thenThrows('INVALID_INPUT', ['lines']);
    given(history)
      .when(cancellation(null, 'has space'))
      .thenThrows('INVALID_INPUT', ['cancellationId']);
    given(history)
      .when(cancellation(null, null, 'SOMEONE' as CancelInitiator))
      .thenThrows('INVALID_INPUT', ['initiator']);
  });

  it("returns: the order's currency and digits, a known status and type, a TikTok id", () => {
    given(history)
      .when(tiktokReturn('R1', { currency: 'EUR' }))
      .thenThrows('INVALID_INPUT', ['currency']);
    given(history)
      .when(tiktokReturn('R1', { amount: '1.999' }))
      .thenThrows('INVALID_INPUT', ['amount']);
    given(history)
      .when(tiktokReturn('R1', { status: 'LOST' as ReturnStatus }))
      .thenThrows('INVALID_INPUT', ['status']);
    given(history).when(tiktokReturn('')).thenThrows('INVALID_INPUT', ['returnId']);
  });

  it('an unknown order is NOT_FOUND', () => {
    given([]).when(cancellation()).thenThrows('NOT_FOUND');
    given([]).when(tiktokReturn('R1')).thenThrows('NOT_FOUND');
    given([]).when(startMirroring('cancel-order')).thenThrows('NOT_FOUND');
  });
});
