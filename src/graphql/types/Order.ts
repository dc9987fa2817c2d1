import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { LineItem as LineItemValue } from '../../domain/orderVocabulary';
import type { OrderView } from '../../projections/read/orderView';
import type { StoreRow } from '../../projections/storeRow';
import { DateTimeScalar } from '../scalars/DateTimeScalar';
import { DecimalScalar } from '../scalars/DecimalScalar';
import type { AfterSync } from '../../domain/orderState';
import {
  FbtSyncMode,
  FulfillmentType,
  InventoryLocation,
  MirroringStatus,
  OnHoldOrders,
  OrderSyncStatus,
  PlatformOrderStatus,
  TikTokOrderStatus,
} from './enums';
import { LineItem } from './LineItem';
import {
  LineCancellation,
  lineCancellationsOf,
  OrderCancellation,
  orderCancellationOf,
  OrderRefund,
  PlatformMirroring,
  platformMirroringOf,
  refundsOf,
} from './OrderAfterSync';

/**
 * An order as the API shows it: a view over its orders row (read from the
 * read model, or built from a command's folded state with orderToRow). Its
 * store and history are resolved in OrderFields.
 */
@ObjectType('Order', {
  simpleResolvers: true,
  description:
    'A TikTok Shop order and where it stands in the sync to the e-commerce platform (the Orders section).',
})
export class Order {
  constructor(
    readonly row: OrderView,
    /** The order's store, when the order was read as one of its orders (no need to look it up). */
    readonly storeRow?: StoreRow,
  ) {}

  @Field(() => ID, { description: "The order's id (follows from its store and TikTok order id)." })
  get id(): string {
    return this.row.id;
  }

  @Field(() => String, { description: "TikTok Shop's order id." })
  get tiktokOrderId(): string {
    return this.row.tiktok_order_id;
  }

  @Field(() => FulfillmentType, { description: 'Who ships the order.' })
  get fulfillmentType(): string {
    return this.row.fulfillment_type;
  }

  @Field(() => Boolean, {
    description: 'Fulfilled by TikTok (fulfillmentType is FULFILLED_BY_TIKTOK).',
  })
  get isFbt(): boolean {
    return this.row.fulfillment_type === 'FULFILLED_BY_TIKTOK';
  }

  @Field(() => TikTokOrderStatus, { description: 'The latest status TikTok Shop reported.' })
  get tiktokStatus(): string {
    return this.row.tiktok_status;
  }

  @Field(() => OrderSyncStatus, { description: 'Where the order stands in this service.' })
  get syncStatus(): string {
    return this.row.sync_status;
  }

  @Field(() => String, { nullable: true, description: 'Why the order is BLOCKED; null otherwise.' })
  get blockedReason(): string | null {
    return this.row.blocked_reason;
  }

  @Field(() => String, {
    nullable: true,
    description: 'Why the last sync attempt failed; null when it has not failed.',
  })
  get failureReason(): string | null {
    return this.row.failure_reason;
  }

  @Field(() => Int, { description: 'Sync attempts started, ever (retries included).' })
  get syncAttempts(): number {
    return this.row.sync_attempts;
  }

  @Field(() => FbtSyncMode, {
    nullable: true,
    description:
      'The FBT rule this order was decided under (recorded when it was placed); null for seller-fulfilled orders.',
  })
  get appliedFbtSyncMode(): string | null {
    return this.row.applied_mode;
  }

  @Field(() => String, {
    nullable: true,
    description: "The order's id on the platform, once synced.",
  })
  get platformOrderId(): string | null {
    return this.row.platform_order_id;
  }

  @Field(() => PlatformOrderStatus, {
    nullable: true,
    description: 'The status the order was given on the platform; null until synced.',
  })
  get platformOrderStatus(): string | null {
    return this.row.platform_order_status;
  }

  @Field(() => [String], { description: 'Tags the order carries on the platform.' })
  get tags(): string[] {
    return this.row.tags;
  }

  @Field(() => InventoryLocation, {
    nullable: true,
    description:
      "Where this order's items were deducted from inventory; null while nothing was deducted.",
  })
  get inventoryDeductedFrom(): string | null {
    return this.row.inventory_deducted_from;
  }

  @Field(() => [LineItem], { description: "The order's product lines." })
  get lineItems(): LineItemValue[] {
    return this.row.line_items;
  }

  @Field(() => String, { description: 'ISO 4217 currency of the amounts, e.g. USD.' })
  get currency(): string {
    return this.row.currency;
  }

  @Field(() => DecimalScalar, {
    description: 'The sum of quantity × unitPrice over the line items.',
  })
  get totalAmount(): string {
    return this.row.total_amount;
  }

  @Field(() => DateTimeScalar, { description: 'When the buyer placed the order on TikTok Shop.' })
  get placedAt(): Date {
    return this.row.placed_at;
  }

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the platform got the order; null until synced.',
  })
  get syncedAt(): Date | null {
    return this.row.synced_at;
  }

  @Field(() => OnHoldOrders, {
    description: 'How its store treated paid orders in ON_HOLD when it was placed.',
  })
  get onHoldOrders(): string {
    return this.row.on_hold_orders;
  }

  @Field(() => Boolean, {
    description: 'Whether its store restocked returns on the platform when it was placed.',
  })
  get restockReturns(): boolean {
    return this.row.restock_returns;
  }

  @Field(() => Boolean, {
    description:
      "Synced while TikTok Shop held it (SYNC_ON_HOLD) and the platform's fulfilment hold not released yet.",
  })
  get heldOnPlatform(): boolean {
    const plan = this.row.sync_plan as { onHold?: boolean } | null;
    return (
      this.row.sync_status === 'SYNCED' &&
      plan?.onHold === true &&
      !this.afterSync.mirrorings.some((m) => m.kind === 'RELEASE_HOLD')
    );
  }

  @Field(() => OrderCancellation, {
    nullable: true,
    description:
      'TikTok Shop cancelled the whole order after sync, and whether the platform mirrored it; null otherwise.',
  })
  get cancellation(): OrderCancellation | null {
    return orderCancellationOf(this.afterSync);
  }

  @Field(() => [LineCancellation], {
    description: 'Units of some lines TikTok Shop cancelled, oldest first.',
  })
  get lineCancellations(): LineCancellation[] {
    return lineCancellationsOf(this.afterSync);
  }

  @Field(() => [OrderRefund], {
    description:
      'TikTok Shop returns and refunds that completed, with their lines, amounts and mirror state.',
  })
  get refunds(): OrderRefund[] {
    return refundsOf(this.afterSync);
  }

  @Field(() => [PlatformMirroring], {
    description: 'What the platform order was asked to do after sync, in the order asked.',
  })
  get mirrorings(): PlatformMirroring[] {
    return this.afterSync.mirrorings.map(platformMirroringOf);
  }

  @Field(() => MirroringStatus, {
    description: 'Whether the platform order says what TikTok Shop said after sync, in one word.',
  })
  get mirroringStatus(): string {
    return this.row.mirroring_status;
  }

  private get afterSync(): AfterSync {
    return this.row.after_sync;
  }

  @Field(() => DateTimeScalar, { description: 'When anything about the order last changed.' })
  get updatedAt(): Date {
    return this.row.updated_at;
  }

  @Field(() => Int, { description: "Version of the order's event stream." })
  get version(): number {
    return this.row.version;
  }
}
