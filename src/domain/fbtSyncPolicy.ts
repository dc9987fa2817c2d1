import type {
  FulfillmentType,
  InventoryBehaviour,
  InventoryLocation,
  PlatformOrderStatus,
} from './orderVocabulary';
import type { FbtSyncMode, OnHoldOrders } from './storeVocabulary';
import { isAtOrAfter, isPaid, type TikTokOrderStatus } from './tiktokStatus';

export type SyncDecision =
  | { action: 'wait'; why: string }
  | { action: 'block'; why: string }
  | {
      action: 'sync';
      why: string;
      platformOrderStatus: PlatformOrderStatus;
      inventoryBehaviour: InventoryBehaviour;
      inventoryLocation: InventoryLocation;
      /** Whether the FBT order tag (when the store set one) goes on the platform order. */
      tagged: boolean;
      /** Synced inside TikTok's ON_HOLD window: payment pending, fulfilment held on the platform. */
      onHold: boolean;
    }
  | { action: 'cancel'; why: string };

/**
 * The FBT sync rules table, one branch per row, for an order not yet synced:
 *
 * | order   | rule placed under            | TikTok status             | decision                                         |
 * |---------|------------------------------|---------------------------|--------------------------------------------------|
 * | any     | any                          | CANCELLED                 | cancel: never synced, nothing deducted           |
 * | seller  | any                          | UNPAID, ON_HOLD           | wait                                             |
 * | seller  | any                          | paid                      | sync AWAITING_SHIPMENT, platform deducts, no tag |
 * | FBT     | SYNC_AND_DEDUCT_INVENTORY    | UNPAID, ON_HOLD           | wait                                             |
 * | FBT     | SYNC_AND_DEDUCT_INVENTORY    | paid                      | sync AWAITING_SHIPMENT, platform deducts, tag    |
 * | FBT     | WAIT_FOR_AWAITING_COLLECTION | before AWAITING_COLLECTION| block                                            |
 * | FBT     | WAIT_FOR_AWAITING_COLLECTION | AWAITING_COLLECTION+      | sync FULFILLED, TikTok Shop deducts, tag         |
 *
 * and the ON_HOLD rows (the store's onHoldOrders, recorded when the order was placed):
 *
 * | order   | rule placed under            | onHoldOrders     | TikTok status | decision                                   |
 * |---------|------------------------------|------------------|---------------|--------------------------------------------|
 * | seller  | any                          | WAIT_FOR_RELEASE | ON_HOLD       | wait (as above)                            |
 * | seller  | any                          | SYNC_ON_HOLD     | ON_HOLD       | sync as the paid row, held on the platform |
 * | FBT     | SYNC_AND_DEDUCT_INVENTORY    | WAIT_FOR_RELEASE | ON_HOLD       | wait (as above)                            |
 * | FBT     | SYNC_AND_DEDUCT_INVENTORY    | SYNC_ON_HOLD     | ON_HOLD       | sync as the paid row, held on the platform |
 * | FBT     | WAIT_FOR_AWAITING_COLLECTION | any              | ON_HOLD       | block (as above)                           |
 *
 * `onHoldOrders` left out is WAIT_FOR_RELEASE, the behaviour before stores could choose.
 */
export function fbtSyncPolicy(order: {
  fulfillmentType: FulfillmentType;
  mode: FbtSyncMode;
  status: TikTokOrderStatus;
  onHoldOrders?: OnHoldOrders;
}): SyncDecision {
  const { fulfillmentType, mode, status } = order;
  if (status === 'CANCELLED')
    return { action: 'cancel', why: 'cancelled on TikTok Shop before it was synced' };
  // ON_HOLD is paid: TikTok holds the order for the buyer's hour of remorse.
  const onHold = status === 'ON_HOLD' && order.onHoldOrders === 'SYNC_ON_HOLD';
  const held = onHold ? ', held on the platform until TikTok Shop releases it (SYNC_ON_HOLD)' : '';

  if (fulfillmentType === 'FULFILLED_BY_SELLER') {
    if (!isPaid(status) && !onHold)
      return { action: 'wait', why: `seller-fulfilled order not paid yet (${status})` };
    return {
      action: 'sync',
      why: `seller-fulfilled order paid (${status}): sync as AWAITING_SHIPMENT, deduct platform inventory${held}`,
      platformOrderStatus: 'AWAITING_SHIPMENT',
      inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      inventoryLocation: 'ECOMMERCE_PLATFORM',
      tagged: false,
      onHold,
    };
  }

  if (mode === 'SYNC_AND_DEDUCT_INVENTORY') {
    if (!isPaid(status) && !onHold)
      return { action: 'wait', why: `FBT order not paid yet (${status})` };
    return {
      action: 'sync',
      why: `FBT order paid (${status}) under SYNC_AND_DEDUCT_INVENTORY: sync as AWAITING_SHIPMENT, deduct platform inventory${held}`,
      platformOrderStatus: 'AWAITING_SHIPMENT',
      inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
      inventoryLocation: 'ECOMMERCE_PLATFORM',
      tagged: true,
      onHold,
    };
  }

  if (!isAtOrAfter(status, 'AWAITING_COLLECTION')) {
    return {
      action: 'block',
      why: `FBT order held under WAIT_FOR_AWAITING_COLLECTION until TikTok Shop reports AWAITING_COLLECTION (now ${status})`,
    };
  }
  return {
    action: 'sync',
    why: `FBT order reached ${status} under WAIT_FOR_AWAITING_COLLECTION: sync as FULFILLED, leave platform inventory, deduct TikTok Shop inventory`,
    platformOrderStatus: 'FULFILLED',
    inventoryBehaviour: 'BYPASS',
    inventoryLocation: 'TIKTOK_SHOP',
    tagged: true,
    onHold: false,
  };
}
