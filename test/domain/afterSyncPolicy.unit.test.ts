import { describe, expect, it } from '@jest/globals';
import {
  afterSyncPolicy,
  type AfterSyncFact,
  type AfterSyncOrder,
} from '../../src/domain/afterSyncPolicy';
import { RETURN_STATUSES } from '../../src/domain/afterSyncVocabulary';

/**
 * One test per row of the "After sync" table of docs/fbt-sync-rules.md, and
 * the ON_HOLD rows of that section that come after sync.
 */

/** A synced order of two lines: 2 x MUG at 12.50, 1 x CAP at 9.99 (total 34.99 USD). */
function order(
  kind: 'seller' | 'fbtDeduct' | 'fbtWait',
  changes: Partial<AfterSyncOrder> = {},
): AfterSyncOrder {
  return {
    fulfillmentType: kind === 'seller' ? 'FULFILLED_BY_SELLER' : 'FULFILLED_BY_TIKTOK',
    mode:
      kind === 'seller'
        ? null
        : kind === 'fbtDeduct'
          ? 'SYNC_AND_DEDUCT_INVENTORY'
          : 'WAIT_FOR_AWAITING_COLLECTION',
    deductedAt: kind === 'fbtWait' ? 'TIKTOK_SHOP' : 'ECOMMERCE_PLATFORM',
    restockReturns: false,
    lines: [
      { sku: 'MUG', quantity: 2, unitPrice: 1250n, closed: 0, restocked: 0 },
      { sku: 'CAP', quantity: 1, unitPrice: 999n, closed: 0, restocked: 0 },
    ],
    refundable: 3499n,
    currency: 'USD',
    exponent: 2,
    heldOnPlatform: false,
    cancelledOnPlatform: false,
    ...changes,
  };
}

const cancelled: AfterSyncFact = {
  kind: 'ORDER_CANCELLED',
  reason: 'Buyer changed their mind',
  initiator: 'BUYER',
};
const returned = (
  changes: Partial<Extract<AfterSyncFact, { kind: 'RETURN' }>> = {},
): AfterSyncFact => ({
  kind: 'RETURN',
  status: 'COMPLETED',
  returnType: 'RETURN_AND_REFUND',
  lines: [{ line: 0, quantity: 1 }],
  amount: 1250n,
  ...changes,
});
/** Each planned line reduced to what the table decides. */
const restocks = (effect: ReturnType<typeof afterSyncPolicy>) =>
  'lines' in effect ? effect.lines.map((l) => [l.line, l.quantity, l.restockType]) : [];

describe('the after-sync rules, row by row', () => {
  it('row 1: seller-fulfilled, any rule, CANCELLED → cancelled once, TikTok reason, no refund, restocked at the platform', () => {
    const effect = afterSyncPolicy(order('seller'), cancelled);
    expect(effect).toMatchObject({ action: 'cancelOrder', restock: true });
    expect(restocks(effect)).toEqual([
      [0, 2, 'CANCEL'],
      [1, 1, 'CANCEL'],
    ]);
    expect(effect.why).toContain('Buyer changed their mind');
    expect(effect.why).toContain('refunding no money');
    // Once: a cancellation decided before makes it nothing.
    expect(afterSyncPolicy(order('seller', { cancelledOnPlatform: true }), cancelled).action).toBe(
      'nothing',
    );
  });

  it('row 2: FBT under SYNC_AND_DEDUCT_INVENTORY, CANCELLED → cancelled once, restocked at the platform', () => {
    const effect = afterSyncPolicy(order('fbtDeduct'), cancelled);
    expect(effect).toMatchObject({ action: 'cancelOrder', restock: true });
    expect(restocks(effect)).toEqual([
      [0, 2, 'CANCEL'],
      [1, 1, 'CANCEL'],
    ]);
    expect(effect.why).toContain('SYNC_AND_DEDUCT_INVENTORY');
  });

  it('row 3: FBT under WAIT_FOR_AWAITING_COLLECTION, CANCELLED → cancelled once, not restocked (the platform was never deducted)', () => {
    const effect = afterSyncPolicy(order('fbtWait'), cancelled);
    expect(effect).toMatchObject({ action: 'cancelOrder', restock: false });
    expect(restocks(effect)).toEqual([
      [0, 2, 'NO_RESTOCK'],
      [1, 1, 'NO_RESTOCK'],
    ]);
    expect('lines' in effect && effect.lines[0]!.why).toMatch(/never deducted.*TikTok/);
  });

  it('row 4: any order, some lines cancelled → those lines, CANCEL where the platform was deducted, NO_RESTOCK where not', () => {
    const fact: AfterSyncFact = { kind: 'LINES_CANCELLED', lines: [{ line: 0, quantity: 1 }] };
    for (const kind of ['seller', 'fbtDeduct'] as const) {
      const effect = afterSyncPolicy(order(kind), fact);
      expect(effect).toMatchObject({ action: 'cancelLines', amount: 1250n });
      expect(restocks(effect)).toEqual([[0, 1, 'CANCEL']]);
    }
    const effect = afterSyncPolicy(order('fbtWait'), fact);
    expect(effect).toMatchObject({ action: 'cancelLines', amount: 1250n });
    expect(restocks(effect)).toEqual([[0, 1, 'NO_RESTOCK']]);
    // Per line: a line restocked already (up to what was deducted) is restocked no further.
    const partly = order('seller', {
      lines: [
        { sku: 'MUG', quantity: 2, unitPrice: 1250n, closed: 1, restocked: 2 },
        { sku: 'CAP', quantity: 1, unitPrice: 999n, closed: 0, restocked: 0 },
      ],
    });
    const clamped = afterSyncPolicy(partly, fact);
    expect(restocks(clamped)).toEqual([[0, 1, 'NO_RESTOCK']]);
    expect('lines' in clamped && clamped.lines[0]!.why).toMatch(/only 0 of the 2 units/);
  });

  it('row 5: a return or refund completed → refund of its lines and amount; restocked only with restockReturns, goods back, seller-fulfilled and deducted', () => {
    // restockReturns off: a refund, nothing restocked.
    const off = afterSyncPolicy(order('seller'), returned());
    expect(off).toMatchObject({ action: 'refund', amount: 1250n });
    expect(restocks(off)).toEqual([[0, 1, 'NO_RESTOCK']]);
    expect('lines' in off && off.lines[0]!.why).toMatch(/restockReturns is off/);
    // On, seller-fulfilled, deducted at the platform, goods back: RETURN.
    const on = afterSyncPolicy(order('seller', { restockReturns: true }), returned());
    expect(restocks(on)).toEqual([[0, 1, 'RETURN']]);
    // A refund without a return: nothing came back.
    const refundOnly = afterSyncPolicy(
      order('seller', { restockReturns: true }),
      returned({ returnType: 'REFUND_ONLY' }),
    );
    expect(restocks(refundOnly)).toEqual([[0, 1, 'NO_RESTOCK']]);
    // FBT returns go back to TikTok's warehouse, whatever the setting and the rule.
    for (const kind of ['fbtDeduct', 'fbtWait'] as const) {
      const fbt = afterSyncPolicy(order(kind, { restockReturns: true }), returned());
      expect(fbt).toMatchObject({ action: 'refund', amount: 1250n });
      expect(restocks(fbt)).toEqual([[0, 1, 'NO_RESTOCK']]);
    }
    const fbtWhy = afterSyncPolicy(order('fbtDeduct', { restockReturns: true }), returned());
    expect('lines' in fbtWhy && fbtWhy.lines[0]!.why).toMatch(/TikTok's warehouse/);
    // A seller order never deducted at the platform is not restocked either.
    expect(
      restocks(
        afterSyncPolicy(order('seller', { restockReturns: true, deductedAt: null }), returned()),
      ),
    ).toEqual([[0, 1, 'NO_RESTOCK']]);
  });

  it('row 6: a return or refund rejected, withdrawn (or still under way) → nothing', () => {
    for (const status of RETURN_STATUSES.filter((s) => s !== 'COMPLETED')) {
      const effect = afterSyncPolicy(
        order('seller', { restockReturns: true }),
        returned({ status }),
      );
      expect(effect).toEqual({ action: 'nothing', why: expect.stringContaining(status) });
    }
  });

  it('ON_HOLD: an order synced held, released by TikTok → the hold released (once), the order marked paid', () => {
    const held = order('seller', { heldOnPlatform: true });
    const effect = afterSyncPolicy(held, { kind: 'RELEASED_FROM_HOLD' });
    expect(effect.action).toBe('releaseHold');
    expect(effect.why).toMatch(/release.*mark the order paid/);
    expect(afterSyncPolicy(order('seller'), { kind: 'RELEASED_FROM_HOLD' }).action).toBe('nothing');
  });

  it('ON_HOLD: cancelled inside the window → the CANCELLED rows: cancelled once, restocked as deducted', () => {
    for (const kind of ['seller', 'fbtDeduct'] as const) {
      const effect = afterSyncPolicy(order(kind, { heldOnPlatform: true }), cancelled);
      expect(effect).toMatchObject({ action: 'cancelOrder', restock: true });
      expect(effect.why).toContain('inside the ON_HOLD window');
    }
    // Once cancelled, there is no hold left to release.
    expect(
      afterSyncPolicy(order('seller', { heldOnPlatform: true, cancelledOnPlatform: true }), {
        kind: 'RELEASED_FROM_HOLD',
      }).action,
    ).toBe('nothing');
  });
});

describe('the after-sync rules never go beyond the order', () => {
  it("never refunds more than the order's total: TikTok's amount is clamped, and the why says so", () => {
    const effect = afterSyncPolicy(order('seller', { refundable: 500n }), returned());
    expect(effect).toMatchObject({ action: 'refund', amount: 500n });
    expect(effect.why).toContain('12.50 USD clamped to the 5.00 USD');
    // Cancelled lines are refunded at their value, within the same bound.
    const lines = afterSyncPolicy(order('seller', { refundable: 1000n }), {
      kind: 'LINES_CANCELLED',
      lines: [{ line: 0, quantity: 2 }],
    });
    expect(lines).toMatchObject({ action: 'cancelLines', amount: 1000n });
  });

  it('never takes more units off a line than it has left; nothing left is nothing', () => {
    const partly = order('seller', {
      lines: [
        { sku: 'MUG', quantity: 2, unitPrice: 1250n, closed: 1, restocked: 1 },
        { sku: 'CAP', quantity: 1, unitPrice: 999n, closed: 1, restocked: 1 },
      ],
    });
    const effect = afterSyncPolicy(partly, {
      kind: 'LINES_CANCELLED',
      lines: [
        { line: 0, quantity: 2 },
        { line: 1, quantity: 1 },
      ],
    });
    expect(restocks(effect)).toEqual([[0, 1, 'CANCEL']]);
    expect(effect.why).toMatch(/line 0 \(MUG\) had 1 of 2 units/);
    // The whole order cancelled: only what is still on it.
    expect(restocks(afterSyncPolicy(partly, cancelled))).toEqual([[0, 1, 'CANCEL']]);
    const none = order('seller', {
      lines: [
        { sku: 'MUG', quantity: 2, unitPrice: 1250n, closed: 2, restocked: 2 },
        { sku: 'CAP', quantity: 1, unitPrice: 999n, closed: 1, restocked: 1 },
      ],
    });
    expect(
      afterSyncPolicy(none, { kind: 'LINES_CANCELLED', lines: [{ line: 0, quantity: 1 }] }).action,
    ).toBe('nothing');
    // A refund with no units left and nothing left of the total is nothing too.
    expect(afterSyncPolicy({ ...none, refundable: 0n }, returned()).action).toBe('nothing');
    // With money left, units gone: a refund of the amount alone.
    const money = afterSyncPolicy(none, returned());
    expect(money).toMatchObject({ action: 'refund', amount: 1250n, lines: [] });
  });

  it('after the whole order was cancelled, line cancellations change nothing', () => {
    expect(
      afterSyncPolicy(order('seller', { cancelledOnPlatform: true }), {
        kind: 'LINES_CANCELLED',
        lines: [{ line: 0, quantity: 1 }],
      }).action,
    ).toBe('nothing');
  });

  it('restocks a line in part when only part of it is left to restock: two entries, as refundLineItems takes them', () => {
    const partly = order('seller', {
      restockReturns: true,
      lines: [
        { sku: 'MUG', quantity: 2, unitPrice: 1250n, closed: 0, restocked: 1 },
        { sku: 'CAP', quantity: 1, unitPrice: 999n, closed: 0, restocked: 0 },
      ],
    });
    const effect = afterSyncPolicy(partly, returned({ lines: [{ line: 0, quantity: 2 }] }));
    expect(restocks(effect)).toEqual([
      [0, 1, 'RETURN'],
      [0, 1, 'NO_RESTOCK'],
    ]);
  });
});
