import { describe, expect, it } from '@jest/globals';
import { fbtSyncPolicy } from '../../src/domain/fbtSyncPolicy';
import { TIKTOK_ORDER_STATUSES, type TikTokOrderStatus } from '../../src/domain/tiktokStatus';

const unpaid: TikTokOrderStatus[] = ['UNPAID', 'ON_HOLD'];
const paid: TikTokOrderStatus[] = [
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPING',
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
];
const beforeCollection: TikTokOrderStatus[] = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPING',
];
const collectionOrLater: TikTokOrderStatus[] = [
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
];
const modes = ['SYNC_AND_DEDUCT_INVENTORY', 'WAIT_FOR_AWAITING_COLLECTION'] as const;

/** One test per row of the decision table in docs/fbt-sync-rules.md. */
describe('the FBT sync policy, row by row', () => {
  it('row 1: seller-fulfilled, any rule, UNPAID or ON_HOLD → PENDING, wait', () => {
    for (const mode of modes)
      for (const status of unpaid) {
        expect(fbtSyncPolicy({ fulfillmentType: 'FULFILLED_BY_SELLER', mode, status }).action).toBe(
          'wait',
        );
      }
  });

  it('row 2: seller-fulfilled, any rule, paid → sync as AWAITING_SHIPMENT, platform inventory, no FBT tag', () => {
    for (const mode of modes)
      for (const status of paid) {
        expect(
          fbtSyncPolicy({ fulfillmentType: 'FULFILLED_BY_SELLER', mode, status }),
        ).toMatchObject({
          action: 'sync',
          platformOrderStatus: 'AWAITING_SHIPMENT',
          inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
          inventoryLocation: 'ECOMMERCE_PLATFORM',
          tagged: false,
        });
      }
  });

  it('row 3: FBT under SYNC_AND_DEDUCT_INVENTORY, UNPAID or ON_HOLD → PENDING, wait', () => {
    for (const status of unpaid) {
      expect(
        fbtSyncPolicy({
          fulfillmentType: 'FULFILLED_BY_TIKTOK',
          mode: 'SYNC_AND_DEDUCT_INVENTORY',
          status,
        }).action,
      ).toBe('wait');
    }
  });

  it('row 4: FBT under SYNC_AND_DEDUCT_INVENTORY, paid → sync as AWAITING_SHIPMENT, platform inventory, tag', () => {
    for (const status of paid) {
      expect(
        fbtSyncPolicy({
          fulfillmentType: 'FULFILLED_BY_TIKTOK',
          mode: 'SYNC_AND_DEDUCT_INVENTORY',
          status,
        }),
      ).toMatchObject({
        action: 'sync',
        platformOrderStatus: 'AWAITING_SHIPMENT',
        inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
        inventoryLocation: 'ECOMMERCE_PLATFORM',
        tagged: true,
      });
    }
  });

  it('row 5: FBT under WAIT_FOR_AWAITING_COLLECTION, before AWAITING_COLLECTION → BLOCKED, reason names AWAITING_COLLECTION', () => {
    for (const status of beforeCollection) {
      const decision = fbtSyncPolicy({
        fulfillmentType: 'FULFILLED_BY_TIKTOK',
        mode: 'WAIT_FOR_AWAITING_COLLECTION',
        status,
      });
      expect(decision.action).toBe('block');
      expect(decision.why).toContain('AWAITING_COLLECTION');
    }
  });

  it('row 6: FBT under WAIT_FOR_AWAITING_COLLECTION, AWAITING_COLLECTION or later → sync as FULFILLED, platform inventory untouched, TikTok Shop inventory, tag', () => {
    for (const status of collectionOrLater) {
      expect(
        fbtSyncPolicy({
          fulfillmentType: 'FULFILLED_BY_TIKTOK',
          mode: 'WAIT_FOR_AWAITING_COLLECTION',
          status,
        }),
      ).toMatchObject({
        action: 'sync',
        platformOrderStatus: 'FULFILLED',
        inventoryBehaviour: 'BYPASS',
        inventoryLocation: 'TIKTOK_SHOP',
        tagged: true,
      });
    }
  });

  it('row 7: any order, any rule, CANCELLED before sync → CANCELLED, never synced', () => {
    for (const fulfillmentType of ['FULFILLED_BY_TIKTOK', 'FULFILLED_BY_SELLER'] as const)
      for (const mode of modes) {
        expect(fbtSyncPolicy({ fulfillmentType, mode, status: 'CANCELLED' }).action).toBe('cancel');
      }
  });

  it('covers every status for every kind of order (no status falls through the table)', () => {
    for (const fulfillmentType of ['FULFILLED_BY_TIKTOK', 'FULFILLED_BY_SELLER'] as const)
      for (const mode of modes)
        for (const status of TIKTOK_ORDER_STATUSES) {
          expect(['wait', 'block', 'sync', 'cancel']).toContain(
            fbtSyncPolicy({ fulfillmentType, mode, status }).action,
          );
        }
  });
});

/** The ON_HOLD rows of docs/fbt-sync-rules.md ("ON_HOLD"), before sync. */
describe('the FBT sync policy in the ON_HOLD window', () => {
  it('WAIT_FOR_RELEASE (the default, and when left out): an ON_HOLD order waits, as today', () => {
    for (const fulfillmentType of ['FULFILLED_BY_SELLER', 'FULFILLED_BY_TIKTOK'] as const) {
      const mode = 'SYNC_AND_DEDUCT_INVENTORY';
      expect(fbtSyncPolicy({ fulfillmentType, mode, status: 'ON_HOLD' }).action).toBe('wait');
      expect(
        fbtSyncPolicy({
          fulfillmentType,
          mode,
          status: 'ON_HOLD',
          onHoldOrders: 'WAIT_FOR_RELEASE',
        }).action,
      ).toBe('wait');
    }
  });

  it('SYNC_ON_HOLD, seller-fulfilled: synced at once as the paid row, held on the platform', () => {
    for (const mode of modes) {
      expect(
        fbtSyncPolicy({
          fulfillmentType: 'FULFILLED_BY_SELLER',
          mode,
          status: 'ON_HOLD',
          onHoldOrders: 'SYNC_ON_HOLD',
        }),
      ).toMatchObject({
        action: 'sync',
        platformOrderStatus: 'AWAITING_SHIPMENT',
        inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
        inventoryLocation: 'ECOMMERCE_PLATFORM',
        tagged: false,
        onHold: true,
      });
    }
  });

  it('SYNC_ON_HOLD, FBT under SYNC_AND_DEDUCT_INVENTORY: synced at once, stock claimed, tagged, held', () => {
    expect(
      fbtSyncPolicy({
        fulfillmentType: 'FULFILLED_BY_TIKTOK',
        mode: 'SYNC_AND_DEDUCT_INVENTORY',
        status: 'ON_HOLD',
        onHoldOrders: 'SYNC_ON_HOLD',
      }),
    ).toMatchObject({
      action: 'sync',
      platformOrderStatus: 'AWAITING_SHIPMENT',
      inventoryLocation: 'ECOMMERCE_PLATFORM',
      tagged: true,
      onHold: true,
    });
  });

  it('FBT under WAIT_FOR_AWAITING_COLLECTION stays BLOCKED through ON_HOLD whatever the setting', () => {
    for (const onHoldOrders of ['WAIT_FOR_RELEASE', 'SYNC_ON_HOLD'] as const) {
      expect(
        fbtSyncPolicy({
          fulfillmentType: 'FULFILLED_BY_TIKTOK',
          mode: 'WAIT_FOR_AWAITING_COLLECTION',
          status: 'ON_HOLD',
          onHoldOrders,
        }).action,
      ).toBe('block');
    }
  });

  it('SYNC_ON_HOLD changes nothing outside ON_HOLD: UNPAID waits, paid orders are not held', () => {
    for (const fulfillmentType of ['FULFILLED_BY_SELLER', 'FULFILLED_BY_TIKTOK'] as const) {
      const mode = 'SYNC_AND_DEDUCT_INVENTORY';
      const onHoldOrders = 'SYNC_ON_HOLD';
      expect(fbtSyncPolicy({ fulfillmentType, mode, status: 'UNPAID', onHoldOrders }).action).toBe(
        'wait',
      );
      for (const status of paid)
        expect(fbtSyncPolicy({ fulfillmentType, mode, status, onHoldOrders })).toMatchObject({
          action: 'sync',
          onHold: false,
        });
    }
  });
});
