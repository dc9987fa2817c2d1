import { describe, expect, it } from '@jest/globals';
import { platformCancelReason, refundLinesOf } from '../../src/sync/mirrorOnPlatform';

describe('platformCancelReason', () => {
  it.each([
    ['Out of stock', 'SELLER', 'INVENTORY'],
    ['Suspected fraud', 'SYSTEM', 'FRAUD'],
    ['Payment failed', 'SYSTEM', 'DECLINED'],
    ['Changed my mind', 'BUYER', 'CUSTOMER'],
    ['Cannot ship in time', 'SELLER', 'STAFF'],
    ['no reason given', 'UNKNOWN', 'OTHER'],
  ] as const)('%s (%s) → %s', (reason, initiator, expected) => {
    expect(platformCancelReason(reason, initiator)).toBe(expected);
  });
});

describe('refundLinesOf', () => {
  it('one entry per SKU and restock type, whatever the lines the plan spreads them over', () => {
    expect(
      refundLinesOf([
        { line: 0, sku: 'MUG', quantity: 1, restockType: 'CANCEL', why: 'restocked' },
        { line: 0, sku: 'MUG', quantity: 2, restockType: 'NO_RESTOCK', why: 'budget spent' },
        { line: 2, sku: 'MUG', quantity: 1, restockType: 'CANCEL', why: 'restocked' },
        { line: 1, sku: 'CAP', quantity: 1, restockType: 'NO_RESTOCK', why: 'never deducted' },
      ]),
    ).toEqual([
      { sku: 'MUG', quantity: 2, restockType: 'CANCEL' },
      { sku: 'MUG', quantity: 2, restockType: 'NO_RESTOCK' },
      { sku: 'CAP', quantity: 1, restockType: 'NO_RESTOCK' },
    ]);
  });
});
