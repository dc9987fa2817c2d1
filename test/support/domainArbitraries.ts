/**
 * Property-test support for the FBT sync rules (docs/fbt-sync-rules.md):
 *
 * - arbitraries: random interleavings of store changes, TikTok Shop facts and
 *   the sync reactor's steps, with duplicates, stale statuses and commands the
 *   domain must refuse; and of the order's life after sync (cancellations of
 *   the whole order or of lines, returns in every status, the ON_HOLD window,
 *   the mirroring reactor's attempts), drawn apart and interleaved;
 * - a model of the decision table, of the after-sync table and of the store's
 *   plan, rules and order settings, written from the rules document and not
 *   from src/domain, so a wrong branch there is a disagreement here;
 * - one scenario runner over a CommandPort: the pure in-memory port below
 *   (decide/evolve, one array per stream) or the real command functions on
 *   PostgreSQL (test/commands);
 * - one check per invariant of the rules document, over a finished run.
 */
import fc from 'fast-check';
import { orderIdFor, storeIdFor } from '../../src/commands/ids';
import type { OrderResult, RecordTikTokOrderInput } from '../../src/commands/orderCommands';
import type { ConnectStoreInput, StoreResult } from '../../src/commands/storeCommands';
import { DomainError, type DomainErrorCode } from '../../src/domain/domainError';
import { orderStreamId, storeStreamId, type DomainEvent } from '../../src/domain/eventCatalog';
import type {
  CancelInitiator,
  LineUnits,
  ReturnStatus,
  ReturnType,
} from '../../src/domain/afterSyncVocabulary';
import { mirroringsDue } from '../../src/domain/orderAfterSync';
import { decideOrder, type OrderCommand, type StoreSnapshot } from '../../src/domain/orderDecider';
import type {
  InventoryDeducted,
  MirroringRequest,
  OrderCancelledAfterSync,
  OrderEvent,
  OrderLinesCancelled,
  OrderPlaced,
  OrderRefundCompleted,
} from '../../src/domain/orderEvents';
import { evolveOrder, initialOrderState, type OrderState } from '../../src/domain/orderState';
import type {
  FulfillmentType,
  LineItem,
  PlatformOrderStatus,
  SyncPlan,
} from '../../src/domain/orderVocabulary';
import {
  decideStore,
  evolveStore,
  initialStoreState,
  orderSettingsInForce,
  rulesInForce,
  type StoreCommand,
  type StoreState,
} from '../../src/domain/storeDecider';
import type { StoreEvent } from '../../src/domain/storeEvents';
import type {
  EcommercePlatform,
  FbtSyncMode,
  OnHoldOrders,
  OrderSettings,
  Plan,
  RulesInForce,
} from '../../src/domain/storeVocabulary';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';
import type { EventStore } from '../../src/eventstore/createEventStore';
import { orderFromRow, orderToRecord, orderToRow } from '../../src/projections/orderRow';
import { storeFromRow, storeToRow } from '../../src/projections/storeRow';
import type { Checkpoint } from '../../src/eventstore/types';

// ---------------------------------------------------------------------------
// The model: the rules document, read aloud.
// ---------------------------------------------------------------------------

/** Status ranks, in lifecycle order (the rules document, "Decision table"). */
const LIFECYCLE = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPING',
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
] as const;
export const STATUSES: readonly TikTokOrderStatus[] = [...LIFECYCLE, 'CANCELLED'];
export const PLAN_NAMES: readonly Plan[] = ['FREE', 'ESSENTIALS', 'PRO', 'ENTERPRISE'];
export const PLATFORM_NAMES: readonly EcommercePlatform[] = [
  'SHOPIFY',
  'WOOCOMMERCE',
  'BIGCOMMERCE',
  'MAGENTO',
  'WIX',
];
const DEFAULT_MODE: FbtSyncMode = 'SYNC_AND_DEDUCT_INVENTORY';
const WAIT: FbtSyncMode = 'WAIT_FOR_AWAITING_COLLECTION';
export const MODEL_DEFAULT_RULES: RulesInForce = { mode: DEFAULT_MODE, orderTag: null };
/** A new store's order settings, and what an order without OrderSettingsRecorded was placed under. */
export const MODEL_DEFAULT_SETTINGS: OrderSettings = {
  onHoldOrders: 'WAIT_FOR_RELEASE',
  restockReturns: false,
};
const sameSettings = (a: OrderSettings, b: OrderSettings): boolean =>
  a.onHoldOrders === b.onHoldOrders && a.restockReturns === b.restockReturns;

const rankOf = (status: TikTokOrderStatus): number =>
  (LIFECYCLE as readonly string[]).indexOf(status);

/** Ranked at or after `than`; CANCELLED is ranked nowhere. */
export const modelAtOrAfter = (status: TikTokOrderStatus, than: TikTokOrderStatus): boolean =>
  status !== 'CANCELLED' && rankOf(status) >= rankOf(than);

/** "Paid" means AWAITING_SHIPMENT or later. */
export const modelPaid = (status: TikTokOrderStatus): boolean =>
  modelAtOrAfter(status, 'AWAITING_SHIPMENT');

/**
 * Whether a status moves the order on: the same status twice is one change, a
 * lower rank is stale, nothing follows CANCELLED, CANCELLED after DELIVERED
 * (or COMPLETED) is ignored.
 */
export function modelMovesOn(current: TikTokOrderStatus, next: TikTokOrderStatus): boolean {
  if (current === next || current === 'CANCELLED') return false;
  if (next === 'CANCELLED') return !modelAtOrAfter(current, 'DELIVERED');
  return rankOf(next) > rankOf(current);
}

export type TableRow =
  | { action: 'wait' }
  | { action: 'block' }
  | { action: 'cancel' }
  | { action: 'sync'; plan: SyncPlan };

/**
 * The row of the decision table for an order not yet synced, with the ON_HOLD
 * rows: under SYNC_ON_HOLD an ON_HOLD order is synced as the paid row, held.
 */
export function tableRow(
  fulfillmentType: FulfillmentType,
  rules: RulesInForce,
  status: TikTokOrderStatus,
  onHoldOrders: OnHoldOrders = 'WAIT_FOR_RELEASE',
): TableRow {
  if (status === 'CANCELLED') return { action: 'cancel' };
  const held = status === 'ON_HOLD' && onHoldOrders === 'SYNC_ON_HOLD';
  const hold = held ? { onHold: true as const } : {};
  if (fulfillmentType === 'FULFILLED_BY_SELLER') {
    return modelPaid(status) || held
      ? {
          action: 'sync',
          plan: {
            platformOrderStatus: 'AWAITING_SHIPMENT',
            inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
            inventoryLocation: 'ECOMMERCE_PLATFORM',
            tags: [],
            ...hold,
          },
        }
      : { action: 'wait' };
  }
  const tags = rules.orderTag === null ? [] : [rules.orderTag];
  if (rules.mode === DEFAULT_MODE) {
    return modelPaid(status) || held
      ? {
          action: 'sync',
          plan: {
            platformOrderStatus: 'AWAITING_SHIPMENT',
            inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
            inventoryLocation: 'ECOMMERCE_PLATFORM',
            tags,
            ...hold,
          },
        }
      : { action: 'wait' };
  }
  return modelAtOrAfter(status, 'AWAITING_COLLECTION')
    ? {
        action: 'sync',
        plan: {
          platformOrderStatus: 'FULFILLED',
          inventoryBehaviour: 'BYPASS',
          inventoryLocation: 'TIKTOK_SHOP',
          tags,
        },
      }
    : { action: 'block' };
}

/** A store as the rules document sees it. */
export interface ModelStore {
  platform: EcommercePlatform;
  plan: Plan;
  rules: RulesInForce;
  /** onHoldOrders and restockReturns: every plan, every platform. */
  settings: OrderSettings;
}

const eligible = (plan: Plan): boolean => plan === 'PRO' || plan === 'ENTERPRISE';

/** The rules an order placed now is decided under: FREE and ESSENTIALS always use the default. */
export const modelRulesInForce = (store: ModelStore): RulesInForce =>
  eligible(store.plan) ? store.rules : MODEL_DEFAULT_RULES;

/** A tag is 1–40 characters, trimmed, no commas (and, being a tag, no control characters). */
export function modelTag(tag: string): string | undefined {
  const trimmed = tag.trim();
  // Characters, as people count them: '🎁' is one, though it takes two UTF-16 code units.
  const characters = [...trimmed].length;
  const ok =
    characters >= 1 &&
    characters <= 40 &&
    !trimmed.includes(',') &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f-\u009f]/.test(trimmed);
  return ok ? trimmed : undefined;
}

export type ModelStoreOutcome =
  { refused: DomainErrorCode } | { store: ModelStore; events: Array<StoreEvent['type']> };

/** What a store command must do, by the rules document. */
export function modelStoreStep(store: ModelStore | null, step: StoreStep): ModelStoreOutcome {
  if (step.kind === 'ConnectStore') {
    if (store !== null) return { refused: 'ALREADY_EXISTS' };
    return {
      store: {
        platform: step.platform,
        plan: step.plan,
        rules: MODEL_DEFAULT_RULES,
        settings: MODEL_DEFAULT_SETTINGS,
      },
      events: ['StoreConnected'],
    };
  }
  if (store === null) return { refused: 'NOT_FOUND' };
  if (step.kind === 'ChangeStorePlan') {
    if (step.plan === store.plan) return { store, events: [] };
    const customised = store.rules.mode !== DEFAULT_MODE || store.rules.orderTag !== null;
    if (eligible(store.plan) && !eligible(step.plan) && customised) {
      return {
        store: { ...store, plan: step.plan, rules: MODEL_DEFAULT_RULES },
        events: ['StorePlanChanged', 'FbtSyncRulesReset'],
      };
    }
    return { store: { ...store, plan: step.plan }, events: ['StorePlanChanged'] };
  }
  if (step.kind === 'UpdateOrderSettings') {
    const known = step.onHoldOrders === 'WAIT_FOR_RELEASE' || step.onHoldOrders === 'SYNC_ON_HOLD';
    if (!known || typeof step.restockReturns !== 'boolean') return { refused: 'INVALID_INPUT' };
    const settings = { onHoldOrders: step.onHoldOrders, restockReturns: step.restockReturns };
    if (sameSettings(settings, store.settings)) return { store, events: [] };
    return { store: { ...store, settings }, events: ['StoreOrderSettingsChanged'] };
  }
  const orderTag = step.orderTag === null ? null : modelTag(step.orderTag);
  if (orderTag === undefined) return { refused: 'INVALID_INPUT' };
  if (!eligible(store.plan)) return { refused: 'PLAN_NOT_ELIGIBLE' };
  if (store.platform !== 'SHOPIFY' && (step.mode === WAIT || orderTag !== null)) {
    return { refused: 'PLATFORM_NOT_SUPPORTED' };
  }
  if (step.mode === store.rules.mode && orderTag === store.rules.orderTag) {
    return { store, events: [] };
  }
  return {
    store: { ...store, rules: { mode: step.mode, orderTag } },
    events: ['FbtSyncRulesChanged'],
  };
}

/** What InventoryDeducted must carry: the order's items, summed per SKU. */
export function expectedDeduction(lineItems: LineItem[]): Array<{ sku: string; quantity: number }> {
  const bySku = new Map<string, number>();
  for (const item of lineItems) {
    const sku = item.sku.trim();
    bySku.set(sku, (bySku.get(sku) ?? 0) + item.quantity);
  }
  return [...bySku]
    .map(([sku, quantity]) => ({ sku, quantity }))
    .sort((a, b) => a.sku.localeCompare(b.sku));
}

// ---------------------------------------------------------------------------
// Scenarios and their arbitraries.
// ---------------------------------------------------------------------------

/** Which order a step is about: a (shop, order) pair, or the one the previous order step was about. */
export type OrderTarget = { shop: number; order: number } | 'previousOrder';

/** Which attempt a sync result names: the one in flight, or one that is not. */
export type AttemptRef = 'inFlight' | 'previous' | 'next' | 'first';

/**
 * Which mirroring a mirroring step names: the first one due, the one with an
 * attempt in flight, the last one requested, or one the order does not have.
 */
export type KeyRef = 'due' | 'inFlight' | 'last' | 'bogus';

export type StoreStep =
  | { kind: 'ConnectStore'; shop: number; platform: EcommercePlatform; plan: Plan }
  | { kind: 'ChangeStorePlan'; shop: number; plan: Plan }
  | { kind: 'UpdateFbtSyncRules'; shop: number; mode: FbtSyncMode; orderTag: string | null }
  | {
      kind: 'UpdateOrderSettings';
      shop: number;
      onHoldOrders: OnHoldOrders;
      restockReturns: boolean;
    };

export type OrderStep =
  | { kind: 'RecordTikTokOrder'; target: OrderTarget; status: TikTokOrderStatus }
  | { kind: 'RecordTikTokOrderStatus'; target: OrderTarget; status: TikTokOrderStatus }
  | { kind: 'StartOrderSync'; target: OrderTarget }
  | {
      kind: 'RecordOrderSynced';
      target: OrderTarget;
      attempt: AttemptRef;
      alreadyOnPlatform: boolean;
    }
  | {
      kind: 'RecordOrderSyncFailure';
      target: OrderTarget;
      attempt: AttemptRef;
      retryable: boolean;
      maxAttempts: number;
      retryAfterMinutes: number;
    }
  | { kind: 'RetryOrderSync'; target: OrderTarget }
  | {
      kind: 'RecordTikTokCancellation';
      target: OrderTarget;
      /** null: the whole order. */
      lines: LineUnits[] | null;
      /** Which of a few TikTok cancellation ids (null: the report named none). */
      cancellation: number | null;
      initiator: CancelInitiator;
    }
  | {
      kind: 'RecordTikTokReturn';
      target: OrderTarget;
      /** Which of a few TikTok return ids. */
      returnNo: number;
      status: ReturnStatus;
      returnType: ReturnType;
      lines: LineUnits[];
      /** Whole currency units refunded; null: an amount with digits the currency does not have. */
      amountUnits: number | null;
    }
  | { kind: 'StartPlatformMirroring'; target: OrderTarget; key: KeyRef }
  | {
      kind: 'RecordPlatformMirrored';
      target: OrderTarget;
      key: KeyRef;
      attempt: AttemptRef;
      alreadyOnPlatform: boolean;
    }
  | {
      kind: 'RecordPlatformMirroringFailure';
      target: OrderTarget;
      key: KeyRef;
      attempt: AttemptRef;
      retryable: boolean;
      maxAttempts: number;
      retryAfterMinutes: number;
    };

export type Step =
  | StoreStep
  | OrderStep
  /** The webhook or the reactor delivers the previous command again. */
  | { kind: 'RepeatPrevious' }
  /** Nothing happens this minute (what a step removed from a scenario becomes). */
  | { kind: 'Idle' };

/** What TikTok Shop says of one order, whichever webhook carries it. */
export interface OrderFacts {
  fulfillmentType: FulfillmentType;
  lineItems: LineItem[];
  currency: string;
}

export interface Scenario {
  /** Facts of order 0, 1, 2 (the same TikTok order id in two shops is two orders). */
  orders: OrderFacts[];
  steps: Step[];
}

export const SHOPS = 3;
export const ORDERS = 3;

const shopArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: SHOPS - 1 }), weight: 1 },
);
const planArb = fc.constantFrom(...PLAN_NAMES);
const platformArb = fc.oneof(
  { arbitrary: fc.constant<EcommercePlatform>('SHOPIFY'), weight: 3 },
  { arbitrary: fc.constantFrom(...PLATFORM_NAMES.filter((p) => p !== 'SHOPIFY')), weight: 2 },
);
const statusArb = fc.constantFrom(...STATUSES);

/** Tags the domain takes (some need trimming) and tags it must refuse. */
const tagArb: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 3 },
  {
    arbitrary: fc.constantFrom('FBT', 'TikTok FBT', '  fbt  ', 'x'.repeat(40), 'fbt-order'),
    weight: 3,
  },
  { arbitrary: fc.constantFrom('', '   ', 'a,b', 'x'.repeat(41), 'line\nbreak'), weight: 1 },
  {
    arbitrary: fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '-', '\t'), maxLength: 44 }),
    weight: 1,
  },
);

const modeArb = fc.oneof(
  { arbitrary: fc.constant<FbtSyncMode>(WAIT), weight: 2 },
  { arbitrary: fc.constant<FbtSyncMode>(DEFAULT_MODE), weight: 1 },
);

export const connectStoreArb: fc.Arbitrary<StoreStep> = fc.record({
  kind: fc.constant('ConnectStore' as const),
  shop: shopArb,
  platform: platformArb,
  plan: fc.oneof(
    { arbitrary: fc.constantFrom<Plan>('PRO', 'ENTERPRISE'), weight: 2 },
    { arbitrary: planArb, weight: 1 },
  ),
});
export const changeStorePlanArb: fc.Arbitrary<StoreStep> = fc.record({
  kind: fc.constant('ChangeStorePlan' as const),
  shop: shopArb,
  plan: planArb,
});
export const updateFbtSyncRulesArb: fc.Arbitrary<StoreStep> = fc.record({
  kind: fc.constant('UpdateFbtSyncRules' as const),
  shop: shopArb,
  mode: modeArb,
  orderTag: tagArb,
});

const orderIndexArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: ORDERS - 1 }), weight: 1 },
);
/** Mostly the order the previous step was about: one order's facts and sync steps come in bursts. */
/** The rules a merchant sets up first: mostly WAIT on a Shopify store, tagged or not. */
const setupRulesArb: fc.Arbitrary<StoreStep> = fc.record({
  kind: fc.constant('UpdateFbtSyncRules' as const),
  shop: shopArb,
  mode: fc.oneof(
    { arbitrary: fc.constant<FbtSyncMode>(WAIT), weight: 3 },
    { arbitrary: fc.constant<FbtSyncMode>(DEFAULT_MODE), weight: 1 },
  ),
  orderTag: fc.oneof(
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constantFrom('FBT', ' TikTok FBT '), weight: 2 },
  ),
});

/** How a merchant sets up order handling first: often SYNC_ON_HOLD, often restocking returns. */
const setupSettingsArb: fc.Arbitrary<StoreStep> = fc.record({
  kind: fc.constant('UpdateOrderSettings' as const),
  shop: shopArb,
  onHoldOrders: fc.constantFrom<OnHoldOrders>('WAIT_FOR_RELEASE', 'SYNC_ON_HOLD'),
  restockReturns: fc.oneof(
    { arbitrary: fc.constant(true), weight: 3 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
});
/** Settings changed at any time, now and then to a value the domain must refuse. */
export const updateOrderSettingsArb: fc.Arbitrary<StoreStep> = fc.record({
  kind: fc.constant('UpdateOrderSettings' as const),
  shop: shopArb,
  onHoldOrders: fc.oneof(
    { arbitrary: fc.constantFrom<OnHoldOrders>('WAIT_FOR_RELEASE', 'SYNC_ON_HOLD'), weight: 8 },
    { arbitrary: fc.constant('SOMETIMES' as OnHoldOrders), weight: 1 },
  ),
  restockReturns: fc.boolean(),
});

const targetArb: fc.Arbitrary<OrderTarget> = fc.oneof(
  { arbitrary: fc.record({ shop: shopArb, order: orderIndexArb }), weight: 1 },
  { arbitrary: fc.constant('previousOrder' as const), weight: 2 },
);
/** The sync reactor answers for the order it just started, mostly. */
const reactorTargetArb: fc.Arbitrary<OrderTarget> = fc.oneof(
  { arbitrary: fc.constant('previousOrder' as const), weight: 4 },
  { arbitrary: fc.record({ shop: shopArb, order: orderIndexArb }), weight: 1 },
);
const attemptArb: fc.Arbitrary<AttemptRef> = fc.oneof(
  { arbitrary: fc.constant('inFlight' as const), weight: 6 },
  { arbitrary: fc.constantFrom('previous' as const, 'next' as const, 'first' as const), weight: 1 },
);

export const orderStepArb: fc.Arbitrary<OrderStep> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('RecordTikTokOrder' as const),
      target: targetArb,
      status: statusArb,
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('RecordTikTokOrderStatus' as const),
      target: targetArb,
      status: statusArb,
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('StartOrderSync' as const), target: targetArb }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('RecordOrderSynced' as const),
      target: reactorTargetArb,
      attempt: attemptArb,
      alreadyOnPlatform: fc.boolean(),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('RecordOrderSyncFailure' as const),
      target: reactorTargetArb,
      attempt: attemptArb,
      retryable: fc.boolean(),
      maxAttempts: fc.integer({ min: 1, max: 3 }),
      retryAfterMinutes: fc.integer({ min: 0, max: 3 }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('RetryOrderSync' as const), target: targetArb }),
    weight: 2,
  },
);

/** Units of lines of the order, now and then of a line it does not have, or more than it has. */
const factLinesArb = (minLength: number): fc.Arbitrary<LineUnits[]> =>
  fc.array(
    fc.record({
      line: fc.oneof(
        { arbitrary: fc.constant(0), weight: 6 },
        { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 3 },
        { arbitrary: fc.constant(5), weight: 1 },
      ),
      quantity: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 8 },
        { arbitrary: fc.integer({ min: 3, max: 6 }), weight: 1 },
      ),
    }),
    { minLength, maxLength: 2 },
  );

export const cancellationStepArb: fc.Arbitrary<OrderStep> = fc.record({
  kind: fc.constant('RecordTikTokCancellation' as const),
  target: targetArb,
  lines: fc.option(factLinesArb(1), { nil: null, freq: 3 }),
  cancellation: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 8 }),
  initiator: fc.constantFrom<CancelInitiator>('BUYER', 'SELLER', 'SYSTEM', 'UNKNOWN'),
});

export const returnStepArb: fc.Arbitrary<OrderStep> = fc.record({
  kind: fc.constant('RecordTikTokReturn' as const),
  target: targetArb,
  returnNo: fc.integer({ min: 0, max: 2 }),
  status: fc.oneof(
    { arbitrary: fc.constant<ReturnStatus>('COMPLETED'), weight: 5 },
    { arbitrary: fc.constantFrom<ReturnStatus>('REQUESTED', 'REJECTED', 'WITHDRAWN'), weight: 2 },
  ),
  returnType: fc.constantFrom<ReturnType>('RETURN_AND_REFUND', 'REFUND_ONLY'),
  lines: factLinesArb(0),
  amountUnits: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null, freq: 20 }),
});

const keyRefArb: fc.Arbitrary<KeyRef> = fc.oneof(
  { arbitrary: fc.constant('due' as const), weight: 6 },
  { arbitrary: fc.constant('inFlight' as const), weight: 2 },
  { arbitrary: fc.constantFrom('last' as const, 'bogus' as const), weight: 1 },
);

/** What the mirroring reactor answers for an attempt. */
const mirroringOutcomeArb = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('RecordPlatformMirrored' as const),
      attempt: attemptArb,
      alreadyOnPlatform: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('RecordPlatformMirroringFailure' as const),
      attempt: attemptArb,
      retryable: fc.boolean(),
      maxAttempts: fc.integer({ min: 1, max: 3 }),
      retryAfterMinutes: fc.integer({ min: 0, max: 3 }),
    }),
    weight: 2,
  },
);

/** TikTok's after-sync facts and the mirroring reactor's steps, one at a time. */
export const afterSyncStepArb: fc.Arbitrary<OrderStep> = fc.oneof(
  { arbitrary: cancellationStepArb, weight: 3 },
  { arbitrary: returnStepArb, weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('StartPlatformMirroring' as const),
      target: targetArb,
      key: keyRefArb,
    }),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(mirroringOutcomeArb, reactorTargetArb, keyRefArb)
      .map(([outcome, target, key]): OrderStep => ({ ...outcome, target, key })),
    weight: 2,
  },
);

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: connectStoreArb, weight: 1 },
  { arbitrary: changeStorePlanArb, weight: 2 },
  { arbitrary: updateFbtSyncRulesArb, weight: 3 },
  { arbitrary: orderStepArb, weight: 31 },
  { arbitrary: fc.constant({ kind: 'RepeatPrevious' as const }), weight: 3 },
);

/** One step of an order's life after sync, or of the settings that shape it. */
export const afterSyncSingleStepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: afterSyncStepArb, weight: 6 },
  { arbitrary: updateOrderSettingsArb, weight: 1 },
  { arbitrary: fc.constant({ kind: 'RepeatPrevious' as const }), weight: 1 },
);

/**
 * The sync reactor at work: it starts an attempt on an order, then reports how
 * it went; meanwhile TikTok Shop may cancel the order, and after a final
 * failure someone may retry it.
 */
const reactorRoundArb: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.record({ shop: shopArb, order: orderIndexArb }),
    fc.oneof(
      {
        arbitrary: fc.record({
          kind: fc.constant('RecordOrderSynced' as const),
          attempt: fc.constant('inFlight' as const),
          alreadyOnPlatform: fc.boolean(),
        }),
        weight: 2,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant('RecordOrderSyncFailure' as const),
          attempt: fc.constant('inFlight' as const),
          retryable: fc.boolean(),
          maxAttempts: fc.integer({ min: 1, max: 3 }),
          retryAfterMinutes: fc.integer({ min: 0, max: 3 }),
        }),
        weight: 1,
      },
    ),
    fc.constantFrom('answer' as const, 'cancelledMeanwhile' as const, 'retriedAfter' as const),
  )
  .map(([target, result, meanwhile]): Step[] => {
    const started: Step = { kind: 'StartOrderSync', target };
    const answer: Step = { ...result, target: 'previousOrder' };
    switch (meanwhile) {
      case 'answer':
        return [started, answer];
      case 'cancelledMeanwhile':
        return [
          started,
          { kind: 'RecordTikTokOrderStatus', target: 'previousOrder', status: 'CANCELLED' },
          answer,
        ];
      case 'retriedAfter':
        return [started, answer, { kind: 'RetryOrderSync', target: 'previousOrder' }];
    }
  });

/**
 * An order's life after sync: it is recorded paid (or ON_HOLD), synced, then
 * TikTok Shop reports cancellations, returns and later statuses, and the
 * mirroring reactor takes what is due, succeeding or failing.
 */
const afterSyncRoundArb: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.record({ shop: shopArb, order: orderIndexArb }),
    fc.constantFrom<TikTokOrderStatus>(
      'ON_HOLD',
      'AWAITING_SHIPMENT',
      'AWAITING_SHIPMENT',
      'AWAITING_COLLECTION',
      'AWAITING_COLLECTION',
      'IN_TRANSIT',
    ),
    fc.array(
      fc.oneof(
        { arbitrary: cancellationStepArb, weight: 3 },
        { arbitrary: returnStepArb, weight: 3 },
        {
          arbitrary: fc.record({
            kind: fc.constant('RecordTikTokOrderStatus' as const),
            target: fc.constant('previousOrder' as const),
            status: fc.constantFrom<TikTokOrderStatus>(
              'AWAITING_SHIPMENT',
              'IN_TRANSIT',
              'DELIVERED',
              'CANCELLED',
            ),
          }),
          weight: 2,
        },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    fc.array(mirroringOutcomeArb, { maxLength: 3 }),
    // Now and then TikTok reports them while the order is on its way to the platform.
    fc.oneof(
      { arbitrary: fc.constant(false), weight: 3 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
  )
  .map(([target, status, facts, outcomes, duringSync]): Step[] => {
    const reported = facts.map((fact): Step => ({ ...fact, target: 'previousOrder' }));
    return [
      { kind: 'RecordTikTokOrder', target, status },
      { kind: 'StartOrderSync', target: 'previousOrder' },
      ...(duringSync ? reported : []),
      {
        kind: 'RecordOrderSynced',
        target: 'previousOrder',
        attempt: 'inFlight',
        alreadyOnPlatform: false,
      },
      ...(duringSync ? [] : reported),
      ...outcomes.flatMap((outcome): Step[] => [
        { kind: 'StartPlatformMirroring', target: 'previousOrder', key: 'due' },
        { ...outcome, target: 'previousOrder', key: 'inFlight' },
      ]),
    ];
  });

/**
 * TikTok Shop's remorse window: an order recorded ON_HOLD (synced at once
 * where the store chose SYNC_ON_HOLD), then released, cancelled inside the
 * window, or released and cancelled before the release was mirrored.
 */
const holdWindowRoundArb: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.record({ shop: fc.constant(0), order: orderIndexArb }),
    fc.constantFrom('released' as const, 'cancelled' as const, 'releasedThenCancelled' as const),
    fc.boolean(),
  )
  .map(([target, story, mirror]): Step[] => {
    const released: Step = {
      kind: 'RecordTikTokOrderStatus',
      target: 'previousOrder',
      status: 'AWAITING_SHIPMENT',
    };
    const cancelled: Step = {
      kind: 'RecordTikTokCancellation',
      target: 'previousOrder',
      lines: null,
      cancellation: null,
      initiator: 'BUYER',
    };
    const mirrored: Step[] = [
      { kind: 'StartPlatformMirroring', target: 'previousOrder', key: 'due' },
      {
        kind: 'RecordPlatformMirrored',
        target: 'previousOrder',
        key: 'inFlight',
        attempt: 'inFlight',
        alreadyOnPlatform: false,
      },
    ];
    const tail: Record<typeof story, Step[]> = {
      released: [released],
      cancelled: [cancelled],
      releasedThenCancelled: [released, cancelled],
    };
    return [
      { kind: 'RecordTikTokOrder', target, status: 'ON_HOLD' },
      { kind: 'StartOrderSync', target: 'previousOrder' },
      {
        kind: 'RecordOrderSynced',
        target: 'previousOrder',
        attempt: 'inFlight',
        alreadyOnPlatform: false,
      },
      ...tail[story],
      ...(mirror ? mirrored : []),
    ];
  });

/**
 * The mirroring reactor at work on an order; or a refusal that will not pass
 * by retrying, a person retrying it, and the reactor trying again.
 */
const mirroringRoundArb: fc.Arbitrary<Step[]> = fc
  .tuple(fc.record({ shop: shopArb, order: orderIndexArb }), mirroringOutcomeArb, fc.boolean())
  .map(([target, outcome, refusedThenRetried]): Step[] => {
    const start: Step = { kind: 'StartPlatformMirroring', target: 'previousOrder', key: 'due' };
    const answer: Step = { ...outcome, target: 'previousOrder', key: 'inFlight' };
    if (!refusedThenRetried) return [{ ...start, target }, answer];
    return [
      { ...start, target },
      {
        kind: 'RecordPlatformMirroringFailure',
        target: 'previousOrder',
        key: 'inFlight',
        attempt: 'inFlight',
        retryable: false,
        maxAttempts: 3,
        retryAfterMinutes: 0,
      },
      { kind: 'RetryOrderSync', target: 'previousOrder' },
      start,
      answer,
    ];
  });

const lineItemArb: fc.Arbitrary<LineItem> = fc.record({
  sku: fc.constantFrom('MUG', 'CAP', 'TEE'),
  title: fc.option(fc.constantFrom('Mug', 'Cap'), { nil: null }),
  quantity: fc.integer({ min: 1, max: 5 }),
  unitPrice: fc.constantFrom('12', '0', '7'),
});

export const orderFactsArb: fc.Arbitrary<OrderFacts> = fc.record({
  fulfillmentType: fc.oneof(
    { arbitrary: fc.constant<FulfillmentType>('FULFILLED_BY_TIKTOK'), weight: 2 },
    { arbitrary: fc.constant<FulfillmentType>('FULFILLED_BY_SELLER'), weight: 1 },
  ),
  lineItems: fc.array(lineItemArb, { minLength: 1, maxLength: 3 }),
  currency: fc.constantFrom('USD', 'JPY'),
});

/**
 * Goods sent back: an order synced, then a return of some units completed
 * (and mirrored, now and then), so that returns of seller-fulfilled orders of
 * stores restocking returns come up often enough.
 */
const returnRoundArb: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.record({ shop: fc.constant(0), order: orderIndexArb }),
    fc.record({
      kind: fc.constant('RecordTikTokReturn' as const),
      target: fc.constant('previousOrder' as const),
      returnNo: fc.integer({ min: 0, max: 2 }),
      status: fc.constant<ReturnStatus>('COMPLETED'),
      returnType: fc.constant<ReturnType>('RETURN_AND_REFUND'),
      lines: fc.constant<LineUnits[]>([{ line: 0, quantity: 1 }]),
      amountUnits: fc.integer({ min: 0, max: 20 }),
    }),
    fc.boolean(),
  )
  .map(([target, returned, mirror]): Step[] => [
    { kind: 'RecordTikTokOrder', target, status: 'AWAITING_SHIPMENT' },
    { kind: 'StartOrderSync', target: 'previousOrder' },
    {
      kind: 'RecordOrderSynced',
      target: 'previousOrder',
      attempt: 'inFlight',
      alreadyOnPlatform: false,
    },
    returned,
    ...(mirror
      ? [
          {
            kind: 'StartPlatformMirroring' as const,
            target: 'previousOrder' as const,
            key: 'due' as const,
          },
          {
            kind: 'RecordPlatformMirrored' as const,
            target: 'previousOrder' as const,
            key: 'inFlight' as const,
            attempt: 'inFlight' as const,
            alreadyOnPlatform: false,
          },
        ]
      : []),
  ]);

/** Life after sync, in chunks, each to run after a given number of the other chunks. */
const afterSyncChunkArb = fc.record({
  after: fc.nat({ max: 40 }),
  steps: fc.oneof(
    { arbitrary: afterSyncSingleStepArb.map((step) => [step]), weight: 4 },
    { arbitrary: afterSyncRoundArb, weight: 2 },
    { arbitrary: mirroringRoundArb, weight: 1 },
    { arbitrary: holdWindowRoundArb, weight: 1 },
    { arbitrary: returnRoundArb, weight: 1 },
  ),
});

/**
 * A scenario: shop 0 connects and stores may choose rules and order settings
 * first (so that orders have somewhere to go), then anything happens in any
 * order. The steps of the sync rules (up to maxSteps) and those of the life
 * after sync (up to maxAfterSyncSteps) are drawn apart and interleaved, so
 * that the second never thins out the first.
 */
export function scenarioArb({
  maxSteps = 36,
  maxAfterSyncSteps = 16,
}: { maxSteps?: number; maxAfterSyncSteps?: number } = {}): fc.Arbitrary<Scenario> {
  return fc
    .record({
      orders: fc.array(orderFactsArb, { minLength: ORDERS, maxLength: ORDERS }),
      first: connectStoreArb.map((step) => ({ ...step, shop: 0 })),
      connects: fc.array(connectStoreArb, { maxLength: 2, size: 'max' }),
      rules: fc.array(setupRulesArb, { maxLength: 2, size: 'max' }),
      settings: fc.array(setupSettingsArb, { maxLength: 2, size: 'max' }),
      chunks: fc.array(
        fc.oneof(
          { arbitrary: stepArb.map((step) => [step]), weight: 6 },
          { arbitrary: reactorRoundArb, weight: 1 },
        ),
        { maxLength: maxSteps, size: 'max' },
      ),
      afterSync: fc.array(afterSyncChunkArb, { maxLength: maxAfterSyncSteps, size: 'max' }),
    })
    .map(({ orders, first, connects, rules, settings, chunks, afterSync }) => {
      const syncSteps = chunks.flat().slice(0, maxSteps);
      const lifeSteps: Array<{ after: number; step: Step }> = [];
      for (const { after, steps } of afterSync)
        for (const step of steps) lifeSteps.push({ after, step });
      const life = lifeSteps.slice(0, maxAfterSyncSteps);
      const steps: Step[] = [first, ...connects, ...rules, ...settings];
      syncSteps.forEach((step, i) => {
        for (const l of life) if (l.after === i) steps.push(l.step);
        steps.push(step);
      });
      for (const l of life) if (l.after >= syncSteps.length) steps.push(l.step);
      return { orders, steps };
    });
}

// ---------------------------------------------------------------------------
// Running a scenario through a CommandPort.
// ---------------------------------------------------------------------------

/** The command functions of src/commands, with the clock passed in. */
export interface CommandPort {
  connectStore(now: string, input: ConnectStoreInput): Promise<StoreResult>;
  changeStorePlan(now: string, input: { storeId: string; plan: Plan }): Promise<StoreResult>;
  updateFbtSyncRules(
    now: string,
    input: { storeId: string; mode: FbtSyncMode; orderTag: string | null },
  ): Promise<StoreResult>;
  recordTikTokOrder(now: string, input: RecordTikTokOrderInput): Promise<OrderResult>;
  recordTikTokOrderStatus(
    now: string,
    input: { storeId: string; tiktokOrderId: string; status: TikTokOrderStatus; changedAt: string },
  ): Promise<OrderResult>;
  startOrderSync(now: string, orderId: string): Promise<OrderResult>;
  recordOrderSynced(
    now: string,
    orderId: string,
    outcome: {
      attempt: number;
      platformOrderId: string;
      platformOrderStatus: PlatformOrderStatus;
      tags: string[];
      alreadyOnPlatform: boolean;
    },
  ): Promise<OrderResult>;
  recordOrderSyncFailure(
    now: string,
    orderId: string,
    failure: {
      attempt: number;
      reason: string;
      retryable: boolean;
      maxAttempts: number;
      nextAttemptAt: string;
    },
  ): Promise<OrderResult>;
  retryOrderSync(now: string, input: { orderId: string }): Promise<OrderResult>;
  updateOrderSettings(
    now: string,
    input: { storeId: string; onHoldOrders: OnHoldOrders; restockReturns: boolean },
  ): Promise<StoreResult>;
  recordTikTokCancellation(
    now: string,
    input: {
      storeId: string;
      tiktokOrderId: string;
      cancellationId: string | null;
      lines: LineUnits[] | null;
      reason: string;
      initiator: CancelInitiator;
      cancelledAt: string;
    },
  ): Promise<OrderResult>;
  recordTikTokReturn(
    now: string,
    input: {
      storeId: string;
      tiktokOrderId: string;
      returnId: string;
      status: ReturnStatus;
      returnType: ReturnType;
      lines: LineUnits[];
      amount: string;
      currency: string;
      changedAt: string;
    },
  ): Promise<OrderResult>;
  startPlatformMirroring(now: string, orderId: string, key: string): Promise<OrderResult>;
  recordPlatformMirrored(
    now: string,
    orderId: string,
    outcome: {
      key: string;
      attempt: number;
      platformReference: string | null;
      alreadyOnPlatform: boolean;
    },
  ): Promise<OrderResult>;
  recordPlatformMirroringFailure(
    now: string,
    orderId: string,
    failure: {
      key: string;
      attempt: number;
      reason: string;
      retryable: boolean;
      maxAttempts: number;
      nextAttemptAt: string;
    },
  ): Promise<OrderResult>;
  /** A whole stream as stored: its events (type and data) and its version (-1: none). */
  readStream(streamId: string): Promise<{ events: DomainEvent[]; version: number }>;
}

export const ACTOR = 'property-test';

// Name-based ids cost a SHA-1 each and runs reuse the same few: work each out once.
const knownIds = new Map<string, string>();
function remembered(key: string, make: () => string): string {
  const known = knownIds.get(key);
  if (known !== undefined) return known;
  const id = make();
  knownIds.set(key, id);
  return id;
}
const storeIdOf = (tiktokShopId: string): string =>
  remembered(`store ${tiktokShopId}`, () => storeIdFor(tiktokShopId));
const orderIdOf = (storeId: string, tiktokOrderId: string): string =>
  remembered(`order ${storeId} ${tiktokOrderId}`, () => orderIdFor(storeId, tiktokOrderId));

/** The pure path: decideX/evolveX over one array per stream, mirroring src/commands exactly. */
export function createInMemoryCommands(): CommandPort {
  const streams = new Map<string, DomainEvent[]>();

  function handle<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: {
      initialState(): State;
      evolve(state: State, event: Event): State;
      decide(command: Command, state: State): Event[];
    },
    command: Command,
  ) {
    const events = (streams.get(streamId) ?? []) as Event[];
    let state = decider.initialState();
    for (const event of events) state = decider.evolve(state, event);
    const appended = decider.decide(command, state);
    for (const event of appended) state = decider.evolve(state, event);
    if (appended.length > 0) streams.set(streamId, [...events, ...appended]);
    const version = events.length + appended.length - 1;
    return Promise.resolve({
      state,
      version,
      appended,
      positions: [] as string[],
      checkpoint: undefined,
    });
  }

  const store = { initialState: initialStoreState, evolve: evolveStore, decide: decideStore };
  const order = { initialState: initialOrderState, evolve: evolveOrder, decide: decideOrder };
  const onStore = (storeId: string, command: StoreCommand): Promise<StoreResult> =>
    handle(storeStreamId(storeId), store, command);
  // As src/commands/orderCommands.ts: NOT_FOUND names the input that named the order.
  const onOrder = async (orderId: string, command: OrderCommand, notFoundField: string[]) => {
    try {
      return await handle(orderStreamId(orderId), order, command);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') {
        throw DomainError.of('NOT_FOUND', notFoundField, `no order ${orderId}`);
      }
      throw error;
    }
  };
  const snapshot = (storeId: string): StoreSnapshot => {
    let state: StoreState = initialStoreState();
    for (const event of streams.get(storeStreamId(storeId)) ?? [])
      state = evolveStore(state, event as StoreEvent);
    if (state === null) throw DomainError.of('NOT_FOUND', ['storeId'], `no store ${storeId}`);
    return {
      storeId: state.storeId,
      platform: state.platform,
      plan: state.plan,
      rules: rulesInForce(state),
      settings: orderSettingsInForce(state),
    };
  };

  return {
    connectStore: (now, input) => {
      const storeId = storeIdOf(input.tiktokShopId);
      return onStore(storeId, {
        type: 'ConnectStore',
        data: { ...input, storeId, now, actor: ACTOR },
      });
    },
    changeStorePlan: (now, input) =>
      onStore(input.storeId, {
        type: 'ChangeStorePlan',
        data: { plan: input.plan, now, actor: ACTOR },
      }),
    updateFbtSyncRules: (now, input) =>
      onStore(input.storeId, {
        type: 'UpdateFbtSyncRules',
        data: { mode: input.mode, orderTag: input.orderTag, now, actor: ACTOR },
      }),
    recordTikTokOrder: async (now, input) => {
      const storeSnapshot = snapshot(input.storeId);
      const orderId = orderIdOf(input.storeId, input.tiktokOrderId);
      const { storeId: _storeId, ...facts } = input;
      return onOrder(
        orderId,
        { type: 'RecordTikTokOrder', data: { ...facts, orderId, store: storeSnapshot, now } },
        ['storeId'],
      );
    },
    recordTikTokOrderStatus: (now, input) =>
      onOrder(
        orderIdOf(input.storeId, input.tiktokOrderId),
        {
          type: 'RecordTikTokOrderStatus',
          data: { status: input.status, changedAt: input.changedAt, now },
        },
        ['tiktokOrderId'],
      ),
    startOrderSync: (now, orderId) =>
      onOrder(orderId, { type: 'StartOrderSync', data: { now } }, ['orderId']),
    recordOrderSynced: (now, orderId, outcome) =>
      onOrder(orderId, { type: 'RecordOrderSynced', data: { ...outcome, now } }, ['orderId']),
    recordOrderSyncFailure: (now, orderId, failure) =>
      onOrder(orderId, { type: 'RecordOrderSyncFailure', data: { ...failure, now } }, ['orderId']),
    retryOrderSync: (now, input) =>
      onOrder(input.orderId, { type: 'RetryOrderSync', data: { now, actor: ACTOR } }, ['orderId']),
    updateOrderSettings: (now, input) =>
      onStore(input.storeId, {
        type: 'UpdateOrderSettings',
        data: {
          onHoldOrders: input.onHoldOrders,
          restockReturns: input.restockReturns,
          now,
          actor: ACTOR,
        },
      }),
    recordTikTokCancellation: (now, { storeId, tiktokOrderId, ...facts }) =>
      onOrder(
        orderIdOf(storeId, tiktokOrderId),
        { type: 'RecordTikTokCancellation', data: { ...facts, now } },
        ['tiktokOrderId'],
      ),
    recordTikTokReturn: (now, { storeId, tiktokOrderId, ...facts }) =>
      onOrder(
        orderIdOf(storeId, tiktokOrderId),
        { type: 'RecordTikTokReturn', data: { ...facts, now } },
        ['tiktokOrderId'],
      ),
    startPlatformMirroring: (now, orderId, key) =>
      onOrder(orderId, { type: 'StartPlatformMirroring', data: { key, now } }, ['orderId']),
    recordPlatformMirrored: (now, orderId, outcome) =>
      onOrder(orderId, { type: 'RecordPlatformMirrored', data: { ...outcome, now } }, ['orderId']),
    recordPlatformMirroringFailure: (now, orderId, failure) =>
      onOrder(orderId, { type: 'RecordPlatformMirroringFailure', data: { ...failure, now } }, [
        'orderId',
      ]),
    readStream: (streamId) => {
      const events = streams.get(streamId) ?? [];
      return Promise.resolve({ events: [...events], version: events.length - 1 });
    },
  };
}

type Outcome<State, Event> =
  | { ok: true; appended: Event[]; state: State; version: number }
  | { ok: false; error: DomainError; versionAfter: number };

interface ExecutedBase {
  /** Position in the scenario (the minute it ran at). */
  index: number;
  now: string;
  /** A RepeatPrevious step: the previous command delivered again. */
  repeated: boolean;
  shop: number;
  streamId: string;
  /** The stream's version before the command. */
  versionBefore: number;
}

export interface OrderExecuted extends ExecutedBase {
  stream: 'order';
  step: OrderStep;
  order: number;
  /** The attempt a sync or mirroring result named, resolved against the order then. */
  attempt: number | null;
  /** The mirroring a mirroring step named, resolved against the order then. */
  key?: string;
  before: OrderState;
  outcome: Outcome<OrderState, OrderEvent>;
  /** The shop as the model had it when the command ran (null: not connected). */
  modelStore: ModelStore | null;
}

export interface StoreExecuted extends ExecutedBase {
  stream: 'store';
  step: StoreStep;
  before: StoreState;
  outcome: Outcome<StoreState, StoreEvent>;
  modelBefore: ModelStore | null;
  expected: ModelStoreOutcome;
}

export type Executed = OrderExecuted | StoreExecuted;

export interface OrderHistory {
  streamId: string;
  shop: number;
  order: number;
  facts: OrderFacts;
  /** The stream as stored at the end (the replay). */
  events: OrderEvent[];
  /** The state the last command on it returned (live). */
  live: OrderState;
}

export interface StoreHistory {
  streamId: string;
  shop: number;
  events: StoreEvent[];
  live: StoreState;
}

export interface ScenarioRun {
  runTag: string;
  scenario: Scenario;
  executed: Executed[];
  orders: OrderHistory[];
  stores: StoreHistory[];
}

const T0 = Date.UTC(2026, 10, 28, 10, 0, 0);
/** The fixed clock: step i runs at minute i. */
const minutes: string[] = [];
export const minute = (i: number): string =>
  (minutes[i] ??= new Date(T0 + i * 60_000).toISOString());

export const tiktokShopIdOf = (runTag: string, shop: number): string => `${runTag}-shop-${shop}`;
export const tiktokOrderIdOf = (order: number): string => `57700${order}`;

interface Invocation {
  stream: 'order' | 'store';
  step: Step;
  shop: number;
  order: number;
  streamId: string;
  attempt: number | null;
  key?: string;
  call(now: string): Promise<StoreResult | OrderResult>;
}

/** Runs every step of a scenario, in order, recording what each command did. */
export async function runScenario(
  port: CommandPort,
  scenario: Scenario,
  runTag: string,
): Promise<ScenarioRun> {
  const storeIdOfShop = (shop: number) => storeIdOf(tiktokShopIdOf(runTag, shop));
  const orderIdOfOrder = (shop: number, order: number) =>
    orderIdOf(storeIdOfShop(shop), tiktokOrderIdOf(order));
  const live = new Map<string, { state: OrderState | StoreState; version: number }>();
  const models = new Map<number, ModelStore | null>();
  const orderKeys = new Map<string, { shop: number; order: number }>();
  const storeKeys = new Map<string, number>();
  const executed: Executed[] = [];
  let previous: Invocation | null = null;
  let lastTarget = { shop: 0, order: 0 };

  const stateOf = (streamId: string) => live.get(streamId) ?? { state: null, version: -1 };

  function invocationOf(step: StoreStep | OrderStep, at: string): Invocation {
    if (
      step.kind === 'ConnectStore' ||
      step.kind === 'ChangeStorePlan' ||
      step.kind === 'UpdateFbtSyncRules' ||
      step.kind === 'UpdateOrderSettings'
    ) {
      const storeId = storeIdOfShop(step.shop);
      const base = {
        stream: 'store' as const,
        step,
        shop: step.shop,
        order: -1,
        streamId: storeStreamId(storeId),
        attempt: null,
      };
      switch (step.kind) {
        case 'ConnectStore':
          return {
            ...base,
            call: (now) =>
              port.connectStore(now, {
                name: `Shop ${step.shop}`,
                tiktokShopId: tiktokShopIdOf(runTag, step.shop),
                platform: step.platform,
                plan: step.plan,
                shopDomain:
                  step.platform === 'SHOPIFY'
                    ? `${runTag}-${step.shop}.myshopify.com`.toLowerCase()
                    : null,
              }),
          };
        case 'ChangeStorePlan':
          return {
            ...base,
            call: (now) => port.changeStorePlan(now, { storeId, plan: step.plan }),
          };
        case 'UpdateFbtSyncRules':
          return {
            ...base,
            call: (now) =>
              port.updateFbtSyncRules(now, { storeId, mode: step.mode, orderTag: step.orderTag }),
          };
        case 'UpdateOrderSettings':
          return {
            ...base,
            call: (now) =>
              port.updateOrderSettings(now, {
                storeId,
                onHoldOrders: step.onHoldOrders,
                restockReturns: step.restockReturns,
              }),
          };
      }
    }
    const target = step.target === 'previousOrder' ? lastTarget : step.target;
    lastTarget = target;
    const concrete = { ...step, target };
    const storeId = storeIdOfShop(target.shop);
    const orderId = orderIdOfOrder(target.shop, target.order);
    const streamId = orderStreamId(orderId);
    const order = stateOf(streamId).state as OrderState;
    const base = {
      stream: 'order' as const,
      step: concrete,
      shop: target.shop,
      order: target.order,
      streamId,
      attempt: null,
    };
    const attemptFor = (ref: AttemptRef): number => {
      const started = order?.syncAttempts ?? 0;
      switch (ref) {
        case 'inFlight':
          return order?.attemptInFlight ?? Math.max(started, 1);
        case 'previous':
          return Math.max(started - 1, 1);
        case 'next':
          return started + 1;
        case 'first':
          return 1;
      }
    };
    const facts = scenario.orders[target.order]!;
    const mirrorings = order?.afterSync.mirrorings ?? [];
    const keyFor = (ref: KeyRef): string => {
      const fallback = mirrorings[0]?.key ?? 'cancel-order';
      switch (ref) {
        case 'due':
          return (order && mirroringsDue(order, at)[0]?.key) ?? fallback;
        case 'inFlight':
          return mirrorings.find((m) => m.attemptInFlight !== null)?.key ?? fallback;
        case 'last':
          return mirrorings.at(-1)?.key ?? fallback;
        case 'bogus':
          return 'refund:R-none';
      }
    };
    const mirroringAttemptFor = (key: string, ref: AttemptRef): number => {
      const mirroring = mirrorings.find((m) => m.key === key);
      const started = mirroring?.attempts ?? 0;
      switch (ref) {
        case 'inFlight':
          return mirroring?.attemptInFlight ?? Math.max(started, 1);
        case 'previous':
          return Math.max(started - 1, 1);
        case 'next':
          return started + 1;
        case 'first':
          return 1;
      }
    };
    switch (concrete.kind) {
      case 'RecordTikTokOrder':
        return {
          ...base,
          call: (now) =>
            port.recordTikTokOrder(now, {
              storeId,
              tiktokOrderId: tiktokOrderIdOf(target.order),
              fulfillmentType: facts.fulfillmentType,
              status: concrete.status,
              lineItems: facts.lineItems.map((item) => ({
                ...item,
                unitPrice: facts.currency === 'USD' ? `${item.unitPrice}.50` : item.unitPrice,
              })),
              currency: facts.currency,
              placedAt: now,
            }),
        };
      case 'RecordTikTokOrderStatus':
        return {
          ...base,
          call: (now) =>
            port.recordTikTokOrderStatus(now, {
              storeId,
              tiktokOrderId: tiktokOrderIdOf(target.order),
              status: concrete.status,
              changedAt: now,
            }),
        };
      case 'StartOrderSync':
        return { ...base, call: (now) => port.startOrderSync(now, orderId) };
      case 'RecordOrderSynced': {
        // The reactor reports what it created: the platform status and tags of the order's plan.
        const attempt = attemptFor(concrete.attempt);
        const plan = order?.syncPlan;
        return {
          ...base,
          attempt,
          call: (now) =>
            port.recordOrderSynced(now, orderId, {
              attempt,
              platformOrderId: `gid://shopify/Order/${target.shop}${target.order}`,
              platformOrderStatus: plan?.platformOrderStatus ?? 'AWAITING_SHIPMENT',
              tags: plan?.tags ?? [],
              alreadyOnPlatform: concrete.alreadyOnPlatform,
            }),
        };
      }
      case 'RecordOrderSyncFailure': {
        const attempt = attemptFor(concrete.attempt);
        return {
          ...base,
          attempt,
          call: (now) =>
            port.recordOrderSyncFailure(now, orderId, {
              attempt,
              reason: 'platform said no',
              retryable: concrete.retryable,
              maxAttempts: concrete.maxAttempts,
              nextAttemptAt: new Date(
                Date.parse(now) + concrete.retryAfterMinutes * 60_000,
              ).toISOString(),
            }),
        };
      }
      case 'RetryOrderSync':
        return { ...base, call: (now) => port.retryOrderSync(now, { orderId }) };
      case 'RecordTikTokCancellation':
        return {
          ...base,
          call: (now) =>
            port.recordTikTokCancellation(now, {
              storeId,
              tiktokOrderId: tiktokOrderIdOf(target.order),
              cancellationId: concrete.cancellation === null ? null : `C${concrete.cancellation}`,
              lines: concrete.lines,
              reason: 'Buyer changed their mind',
              initiator: concrete.initiator,
              cancelledAt: now,
            }),
        };
      case 'RecordTikTokReturn':
        return {
          ...base,
          call: (now) =>
            port.recordTikTokReturn(now, {
              storeId,
              tiktokOrderId: tiktokOrderIdOf(target.order),
              returnId: `R${concrete.returnNo}`,
              status: concrete.status,
              returnType: concrete.returnType,
              lines: concrete.lines,
              amount:
                concrete.amountUnits === null
                  ? '1.999'
                  : facts.currency === 'USD'
                    ? `${concrete.amountUnits}.25`
                    : String(concrete.amountUnits),
              currency: facts.currency,
              changedAt: now,
            }),
        };
      case 'StartPlatformMirroring': {
        const key = keyFor(concrete.key);
        return { ...base, key, call: (now) => port.startPlatformMirroring(now, orderId, key) };
      }
      case 'RecordPlatformMirrored': {
        const key = keyFor(concrete.key);
        const attempt = mirroringAttemptFor(key, concrete.attempt);
        return {
          ...base,
          key,
          attempt,
          call: (now) =>
            port.recordPlatformMirrored(now, orderId, {
              key,
              attempt,
              platformReference: key.startsWith('refund:') ? `gid://shopify/Refund/${key}` : null,
              alreadyOnPlatform: concrete.alreadyOnPlatform,
            }),
        };
      }
      case 'RecordPlatformMirroringFailure': {
        const key = keyFor(concrete.key);
        const attempt = mirroringAttemptFor(key, concrete.attempt);
        return {
          ...base,
          key,
          attempt,
          call: (now) =>
            port.recordPlatformMirroringFailure(now, orderId, {
              key,
              attempt,
              reason: 'platform said no',
              retryable: concrete.retryable,
              maxAttempts: concrete.maxAttempts,
              nextAttemptAt: new Date(
                Date.parse(now) + concrete.retryAfterMinutes * 60_000,
              ).toISOString(),
            }),
        };
      }
    }
  }

  for (const [index, step] of scenario.steps.entries()) {
    const now = minute(index);
    let invocation: Invocation | null;
    if (step.kind === 'Idle') invocation = null;
    else if (step.kind === 'RepeatPrevious') invocation = previous;
    else invocation = invocationOf(step, now);
    previous = invocation;
    if (invocation === null) continue;

    const { state: before, version: versionBefore } = stateOf(invocation.streamId);
    let outcome: Outcome<OrderState | StoreState, DomainEvent>;
    try {
      const result = await invocation.call(now);
      outcome = {
        ok: true,
        appended: result.appended,
        state: result.state,
        version: result.version,
      };
      live.set(invocation.streamId, { state: result.state, version: result.version });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const { version } = await port.readStream(invocation.streamId);
      outcome = { ok: false, error, versionAfter: version };
    }
    const base = {
      index,
      now,
      repeated: step.kind === 'RepeatPrevious',
      shop: invocation.shop,
      streamId: invocation.streamId,
      versionBefore,
    };
    if (invocation.stream === 'store') {
      const storeStep = invocation.step as StoreStep;
      const modelBefore = models.get(invocation.shop) ?? null;
      const expected = modelStoreStep(modelBefore, storeStep);
      if ('store' in expected) models.set(invocation.shop, expected.store);
      storeKeys.set(invocation.streamId, invocation.shop);
      executed.push({
        ...base,
        stream: 'store',
        step: storeStep,
        before: before as StoreState,
        outcome: outcome as Outcome<StoreState, StoreEvent>,
        modelBefore,
        expected,
      });
    } else {
      orderKeys.set(invocation.streamId, { shop: invocation.shop, order: invocation.order });
      executed.push({
        ...base,
        stream: 'order',
        step: invocation.step as OrderStep,
        order: invocation.order,
        attempt: invocation.attempt,
        ...(invocation.key === undefined ? {} : { key: invocation.key }),
        before: before as OrderState,
        outcome: outcome as Outcome<OrderState, OrderEvent>,
        modelStore: models.get(invocation.shop) ?? null,
      });
    }
  }

  const orders: OrderHistory[] = [];
  for (const [streamId, key] of orderKeys) {
    const { events } = await port.readStream(streamId);
    if (events.length === 0 && stateOf(streamId).version === -1) continue;
    orders.push({
      streamId,
      ...key,
      facts: scenario.orders[key.order]!,
      events: events as OrderEvent[],
      live: stateOf(streamId).state as OrderState,
    });
  }
  const stores: StoreHistory[] = [];
  for (const [streamId, shop] of storeKeys) {
    const { events } = await port.readStream(streamId);
    if (events.length === 0 && stateOf(streamId).version === -1) continue;
    stores.push({
      streamId,
      shop,
      events: events as StoreEvent[],
      live: stateOf(streamId).state as StoreState,
    });
  }
  return { runTag, scenario, executed, orders, stores };
}

/** The scenario with every store command after `index` taken out (each becomes a quiet minute). */
export function withoutStoreChangesAfter(scenario: Scenario, index: number): Scenario {
  return {
    ...scenario,
    steps: scenario.steps.map((step, i) =>
      i > index &&
      (step.kind === 'ConnectStore' ||
        step.kind === 'ChangeStorePlan' ||
        step.kind === 'UpdateFbtSyncRules' ||
        step.kind === 'UpdateOrderSettings')
        ? { kind: 'Idle' }
        : step,
    ),
  };
}

// ---------------------------------------------------------------------------
// Folding and the rebuilt-projection stand-in.
// ---------------------------------------------------------------------------

export const foldOrder = (events: readonly OrderEvent[]): OrderState =>
  events.reduce<OrderState>((state, event) => evolveOrder(state, event), initialOrderState());
export const foldStore = (events: readonly StoreEvent[]): StoreState =>
  events.reduce<StoreState>((state, event) => evolveStore(state, event), initialStoreState());

/**
 * Rebuilds streams from the global log, read in batches from a checkpoint
 * (as a projection rebuild reads it), grouped by stream. This is the stand-in
 * for "a rebuilt projection" in invariant 5: when the orders read model
 * exists, rebuild it here from the same batches and compare its rows with
 * the folded states too.
 */
export async function rebuildStreamsFromLog(
  eventStore: Pick<EventStore, 'readAll'>,
  options: {
    after: Checkpoint;
    batchSize: number;
    /** Only these streams (the log holds other runs' too). */
    streamIds: ReadonlySet<string>;
    /** Read until each stream has this many events (the log's visibility horizon may lag). */
    expectedCounts: ReadonlyMap<string, number>;
  },
): Promise<Map<string, DomainEvent[]>> {
  const byStream = new Map<string, DomainEvent[]>();
  const complete = () =>
    [...options.expectedCounts].every(([id, count]) => (byStream.get(id)?.length ?? 0) >= count);
  let after = options.after;
  for (let polls = 0; !complete(); polls++) {
    const page = await eventStore.readAll({ after, limit: options.batchSize });
    for (const event of page.events) {
      if (!options.streamIds.has(event.streamId)) continue;
      const events = byStream.get(event.streamId) ?? [];
      events.push({ type: event.type, data: event.data } as DomainEvent);
      byStream.set(event.streamId, events);
    }
    after = page.checkpoint;
    if (!page.hasMore && !complete()) {
      // Committed but not yet below the cluster's horizon: another database's
      // transaction is still open. It ends; read again shortly.
      if (polls > 5_000) throw new Error('the log never showed every event of the run');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return byStream;
}

// ---------------------------------------------------------------------------
// The invariants, one check each. They throw InvariantViolation with enough
// context to read the counterexample.
// ---------------------------------------------------------------------------

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

function violated(message: string, context: unknown): never {
  throw new InvariantViolation(`${message}\n${JSON.stringify(context, null, 1)}`);
}

const typesOf = (events: readonly { type: string }[]) => events.map((e) => e.type);

function placedOf(history: OrderHistory): OrderPlaced {
  const placed = history.events.filter((e): e is OrderPlaced => e.type === 'OrderPlaced');
  if (placed.length !== 1 || history.events[0]?.type !== 'OrderPlaced') {
    violated('an order stream starts with its one OrderPlaced', {
      stream: history.streamId,
      events: typesOf(history.events),
    });
  }
  return placed[0]!;
}

function placingStep(run: ScenarioRun, history: OrderHistory): OrderExecuted {
  const step = run.executed.find(
    (e): e is OrderExecuted =>
      e.stream === 'order' &&
      e.streamId === history.streamId &&
      e.outcome.ok &&
      e.outcome.appended.some((event) => event.type === 'OrderPlaced'),
  );
  if (!step) violated('no command appended the OrderPlaced', { stream: history.streamId });
  return step;
}

const orderSteps = (run: ScenarioRun, streamId: string) =>
  run.executed.filter((e): e is OrderExecuted => e.stream === 'order' && e.streamId === streamId);

/**
 * The order settings an order was placed under: OrderSettingsRecorded right
 * after OrderPlaced, or (none) the ones every order had before stores chose.
 */
function settingsOf(history: OrderHistory): OrderSettings {
  const recorded = history.events[1];
  return recorded?.type === 'OrderSettingsRecorded'
    ? { onHoldOrders: recorded.data.onHoldOrders, restockReturns: recorded.data.restockReturns }
    : MODEL_DEFAULT_SETTINGS;
}

/** The table row for the order now, under the rules and settings it was placed under. */
function rowNow(
  placed: OrderPlaced,
  status: TikTokOrderStatus,
  settings: OrderSettings = MODEL_DEFAULT_SETTINGS,
): TableRow {
  return tableRow(placed.data.fulfillmentType, placed.data.rules, status, settings.onHoldOrders);
}

/** A plan without its hold: the rest of it does not depend on the status it was decided at. */
const unheld = (plan: SyncPlan | null): Omit<SyncPlan, 'onHold'> | null => {
  if (plan === null) return null;
  const { onHold: _onHold, ...rest } = plan;
  return rest;
};

/**
 * Invariant 1: at most one OrderSynced per order, and only when the table
 * says so, under the rules recorded when it was placed.
 */
export function checkSyncedOnlyAsTheTableSays(run: ScenarioRun): void {
  for (const history of run.orders) {
    const placed = placedOf(history);
    const placing = placingStep(run, history);
    const context = { stream: history.streamId, events: typesOf(history.events) };

    // The rules in force when it was placed, as the store (model) had them then.
    if (placing.modelStore === null) violated('an order was placed in no store', context);
    const rules = modelRulesInForce(placing.modelStore);
    if (!sameJson(placed.data.rules, rules)) {
      violated('OrderPlaced must record the rules in force when it was placed', {
        ...context,
        recorded: placed.data.rules,
        inForce: rules,
      });
    }
    if (
      placed.data.store.platform !== placing.modelStore.platform ||
      placed.data.store.plan !== placing.modelStore.plan
    ) {
      violated('OrderPlaced must record the store as it was', {
        ...context,
        recorded: placed.data.store,
        model: placing.modelStore,
      });
    }
    // The order settings in force, recorded right after OrderPlaced when not the old ones.
    const settings = settingsOf(history);
    const recordings = history.events.filter((e) => e.type === 'OrderSettingsRecorded').length;
    const expectRecorded = !sameSettings(placing.modelStore.settings, MODEL_DEFAULT_SETTINGS);
    if (
      !sameSettings(settings, placing.modelStore.settings) ||
      recordings !== (expectRecorded ? 1 : 0)
    ) {
      violated('the order settings in force are recorded with OrderPlaced, when not the old ones', {
        ...context,
        recorded: settings,
        inForce: placing.modelStore.settings,
      });
    }

    let status = placed.data.status;
    let plan: SyncPlan | null = null;
    let lastStarted: number | null = null;
    let synced = 0;
    for (const event of history.events) {
      switch (event.type) {
        case 'FbtStatusChanged':
        case 'OrderStatusChanged':
          status = event.data.to;
          break;
        case 'OrderSyncRequested': {
          if (plan === null) {
            const row = rowNow(placed, status, settings);
            if (row.action !== 'sync' || !sameJson(row.plan, event.data.plan)) {
              violated('the first sync request must be the table row of the rules placed under', {
                ...context,
                status,
                rules: placed.data.rules,
                fulfillmentType: placed.data.fulfillmentType,
                table: row,
                requested: event.data.plan,
              });
            }
            plan = event.data.plan;
          } else if (!sameJson(plan, event.data.plan)) {
            violated('a later sync request keeps the plan decided first', {
              ...context,
              first: plan,
              later: event.data.plan,
            });
          }
          break;
        }
        case 'OrderSyncStarted':
          if (plan === null) violated('a sync attempt started with no sync request', context);
          lastStarted = event.data.attempt;
          break;
        case 'OrderSynced':
          synced += 1;
          if (synced > 1) violated('at most one OrderSynced per order', context);
          if (plan === null || lastStarted !== event.data.attempt) {
            violated('OrderSynced names the last attempt started for a requested sync', {
              ...context,
              lastStarted,
              syncedAttempt: event.data.attempt,
            });
          }
          if (
            event.data.platformOrderStatus !== plan.platformOrderStatus ||
            !sameJson(event.data.tags, plan.tags)
          ) {
            violated('the order reaches the platform with the status and tags of its plan', {
              ...context,
              plan,
              synced: event.data,
            });
          }
          break;
        default:
          break;
      }
    }

    // After every command: an order waiting has no plan, an order due has the table's plan.
    for (const step of orderSteps(run, history.streamId)) {
      if (!step.outcome.ok || step.outcome.state === null) continue;
      const order = step.outcome.state;
      const row = rowNow(placed, order.tiktokStatus, settings);
      if (row.action === 'wait' && (order.syncStatus !== 'PENDING' || order.syncPlan !== null)) {
        violated('an unpaid order waits: PENDING, no sync plan', { ...context, step, order });
      }
      // The plan is decided once: held when decided in ON_HOLD, and kept after the release.
      if (row.action === 'sync' && !sameJson(unheld(order.syncPlan), unheld(row.plan))) {
        violated('an order the table syncs is due for sync with the table row', {
          ...context,
          step: step.index,
          status: order.tiktokStatus,
          table: row.plan,
          syncPlan: order.syncPlan,
        });
      }
      if (order.syncStatus === 'SYNCED' && row.action !== 'sync' && row.action !== 'cancel') {
        violated('a SYNCED order is one the table syncs', { ...context, step: step.index, row });
      }
    }
  }
}

/** Invariant 2: inventory deducted at most once, at one location, in the same append as OrderSynced. */
export function checkInventoryDeductedOnceWithSync(run: ScenarioRun): void {
  for (const step of run.executed) {
    if (step.stream !== 'order' || !step.outcome.ok) continue;
    const appended = step.outcome.appended;
    appended.forEach((event, i) => {
      if (event.type === 'OrderSynced' && appended[i + 1]?.type !== 'InventoryDeducted') {
        violated('OrderSynced comes with its InventoryDeducted, in the same append', {
          step: step.index,
          appended: typesOf(appended),
        });
      }
      if (event.type === 'InventoryDeducted' && appended[i - 1]?.type !== 'OrderSynced') {
        violated('InventoryDeducted only right after OrderSynced, in the same append', {
          step: step.index,
          appended: typesOf(appended),
        });
      }
    });
  }
  for (const history of run.orders) {
    const placed = placedOf(history);
    const context = { stream: history.streamId, events: typesOf(history.events) };
    const deductions = history.events.filter((e) => e.type === 'InventoryDeducted');
    const syncs = history.events.filter((e) => e.type === 'OrderSynced');
    if (deductions.length > 1) violated('inventory is deducted at most once per order', context);
    if (deductions.length !== syncs.length)
      violated('inventory is deducted exactly when the order is synced', context);
    const deduction = deductions[0];
    if (deduction) {
      const row = tableRow(placed.data.fulfillmentType, placed.data.rules, 'COMPLETED');
      if (row.action !== 'sync' || deduction.data.location !== row.plan.inventoryLocation) {
        violated('inventory is deducted at the location of the table row', {
          ...context,
          location: deduction.data.location,
          table: row,
        });
      }
      const items = [...deduction.data.items].sort((a, b) => a.sku.localeCompare(b.sku));
      if (!sameJson(items, expectedDeduction(history.facts.lineItems))) {
        violated("the order's items are deducted, summed per SKU", {
          ...context,
          deducted: items,
          lineItems: history.facts.lineItems,
        });
      }
    }
    for (const step of orderSteps(run, history.streamId)) {
      if (!step.outcome.ok || step.outcome.state === null) continue;
      const order = step.outcome.state;
      if ((order.inventoryDeductedFrom !== null) !== (order.syncStatus === 'SYNCED')) {
        violated('an order shows a deduction exactly when it is SYNCED', {
          ...context,
          step: step.index,
          order,
        });
      }
    }
  }
}

/** Invariant 3: BLOCKED only for FBT orders placed under WAIT, and never once AWAITING_COLLECTION came. */
export function checkBlockedOnlyUnderWait(run: ScenarioRun): void {
  for (const history of run.orders) {
    const placed = placedOf(history);
    const placing = placingStep(run, history);
    const settings = settingsOf(history);
    const underWait =
      placed.data.fulfillmentType === 'FULFILLED_BY_TIKTOK' && placed.data.rules.mode === WAIT;
    const context = {
      stream: history.streamId,
      fulfillmentType: placed.data.fulfillmentType,
      rules: placed.data.rules,
      events: typesOf(history.events),
    };
    if (!underWait && history.events.some((e) => e.type === 'OrderBlocked')) {
      violated('only FBT orders placed under WAIT_FOR_AWAITING_COLLECTION are BLOCKED', context);
    }
    if (underWait && modelAtOrAfter(placed.data.status, 'AWAITING_COLLECTION')) {
      const appended = placing.outcome.ok ? placing.outcome.appended : [];
      if (history.events.some((e) => e.type === 'OrderBlocked')) {
        violated('an order first seen at AWAITING_COLLECTION+ under WAIT is never BLOCKED', {
          ...context,
          firstSeen: placed.data.status,
        });
      }
      if (!appended.some((e) => e.type === 'OrderSyncRequested')) {
        violated('an order first seen at AWAITING_COLLECTION+ under WAIT is synced at once', {
          ...context,
          firstSeen: placed.data.status,
          appended: typesOf(appended),
        });
      }
    }
    for (const step of orderSteps(run, history.streamId)) {
      if (!step.outcome.ok || step.outcome.state === null) continue;
      const order = step.outcome.state;
      const row = rowNow(placed, order.tiktokStatus, settings);
      const blocked = order.syncStatus === 'BLOCKED';
      if (blocked && row.action !== 'block') {
        violated('a BLOCKED order is one the table blocks (never once AWAITING_COLLECTION came)', {
          ...context,
          step: step.index,
          status: order.tiktokStatus,
          row,
        });
      }
      if (row.action === 'block' && !blocked) {
        violated('an order the table blocks is BLOCKED', {
          ...context,
          step: step.index,
          status: order.tiktokStatus,
          syncStatus: order.syncStatus,
        });
      }
    }
  }
}

const SYNC_EVENTS = new Set([
  'OrderSyncRequested',
  'OrderSyncStarted',
  'OrderSynced',
  'InventoryDeducted',
]);

/**
 * Invariant 4: a CANCELLED-before-sync order is never synced; TikTok statuses
 * only move on (no duplicates, no stale ones, nothing after CANCELLED, no
 * CANCELLED after DELIVERED).
 */
export function checkCancelledNeverSynced(run: ScenarioRun): void {
  for (const history of run.orders) {
    const placed = placedOf(history);
    const context = { stream: history.streamId, events: typesOf(history.events) };
    let cancelled = false;
    let synced = false;
    let status = placed.data.status;
    // The attempt started and not answered yet; once TikTok Shop cancelled the
    // order, only that attempt's answer may still sync it (it may have reached
    // the platform): no new request, no new attempt.
    let inFlight: number | null = null;
    let inFlightAtCancel: number | null = null;
    for (const event of history.events) {
      if (cancelled && SYNC_EVENTS.has(event.type))
        violated(`${event.type} after OrderCancelled`, context);
      if (status === 'CANCELLED') {
        if (event.type === 'OrderSyncRequested' || event.type === 'OrderSyncStarted')
          violated(`${event.type} after TikTok Shop cancelled the order`, context);
        if (event.type === 'OrderSynced' && event.data.attempt !== inFlightAtCancel)
          violated('only the attempt in flight at cancellation may still sync it', context);
      }
      if (event.type === 'OrderSyncStarted') inFlight = event.data.attempt;
      if (event.type === 'OrderSyncFailed' || event.type === 'OrderSynced') inFlight = null;
      if (event.type === 'OrderCancelled') {
        if (cancelled) violated('an order is cancelled once', context);
        if (synced) violated('OrderCancelled after OrderSynced', context);
        if (status !== 'CANCELLED')
          violated('OrderCancelled only once TikTok Shop cancelled it', context);
        cancelled = true;
      }
      if (event.type === 'OrderSynced') synced = true;
      if (event.type === 'FbtStatusChanged' || event.type === 'OrderStatusChanged') {
        const expectedType =
          placed.data.fulfillmentType === 'FULFILLED_BY_TIKTOK'
            ? 'FbtStatusChanged'
            : 'OrderStatusChanged';
        if (
          event.type !== expectedType ||
          event.data.from !== status ||
          !modelMovesOn(status, event.data.to)
        ) {
          violated('a status change moves the order on from where it was', {
            ...context,
            was: status,
            change: event,
          });
        }
        status = event.data.to;
        if (status === 'CANCELLED') inFlightAtCancel = inFlight;
      }
    }
    for (const step of orderSteps(run, history.streamId)) {
      if (!step.outcome.ok || step.outcome.state === null) continue;
      const order = step.outcome.state;
      if (
        order.tiktokStatus === 'CANCELLED' &&
        order.attemptInFlight === null &&
        order.syncStatus !== 'SYNCED' &&
        order.syncStatus !== 'CANCELLED'
      ) {
        violated('an order cancelled on TikTok Shop with no attempt in flight is CANCELLED', {
          ...context,
          step: step.index,
          syncStatus: order.syncStatus,
        });
      }
      // The facts that are not news: a duplicate, a stale status, CANCELLED too late.
      const news =
        step.step.kind === 'RecordTikTokOrderStatus' ||
        (step.step.kind === 'RecordTikTokOrder' && step.before !== null);
      if (news && step.before !== null) {
        const next = (step.step as { status: TikTokOrderStatus }).status;
        const appended = step.outcome.appended;
        if (!modelMovesOn(step.before.tiktokStatus, next) && appended.length > 0) {
          violated('a status that does not move the order on appends nothing', {
            ...context,
            step: step.index,
            was: step.before.tiktokStatus,
            next,
            appended: typesOf(appended),
          });
        }
        if (modelMovesOn(step.before.tiktokStatus, next)) {
          const first = appended[0];
          const change =
            first?.type === 'FbtStatusChanged' || first?.type === 'OrderStatusChanged'
              ? first
              : undefined;
          if (change?.data.to !== next) {
            violated('a status that moves the order on is recorded', {
              ...context,
              step: step.index,
              was: step.before.tiktokStatus,
              next,
              appended: typesOf(appended),
            });
          }
        }
      }
    }
  }
  // A status for an order that does not exist writes nothing and is NOT_FOUND.
  for (const step of run.executed) {
    if (step.stream !== 'order' || step.before !== null) continue;
    if (step.step.kind === 'RecordTikTokOrder') continue;
    if (step.outcome.ok || step.outcome.error.code !== 'NOT_FOUND') {
      violated('a command on an unknown order is NOT_FOUND', { step });
    }
  }
}

/**
 * Where a projection may pick a stream up again from its row (after a restart,
 * or when the stream's row was not held): a third of the way, two thirds, and
 * right after the order reached the platform.
 */
function cutPoints(events: readonly DomainEvent[]): number[] {
  const synced = events.findIndex((e) => e.type === 'OrderSynced');
  const cuts = [Math.floor(events.length / 3), Math.floor((2 * events.length) / 3), synced + 2];
  return [...new Set(cuts)].filter((cut) => cut >= 1 && cut < events.length);
}

/**
 * The row a projection writes when it folded part of the stream, wrote the
 * row, read it back and folded the rest: the same as the row of the whole
 * fold. The rows hold none of the after-sync state, so this is what shows
 * that nothing they hold depends on it.
 */
function checkRowsFoldOn(history: OrderHistory | StoreHistory): void {
  const events = history.events as DomainEvent[];
  const last = events.length - 1;
  for (const cut of cutPoints(events)) {
    if (history.streamId.startsWith('order-')) {
      const head = foldOrder(events.slice(0, cut) as OrderEvent[]);
      const whole = foldOrder(events as OrderEvent[]);
      if (head === null || whole === null) continue;
      const picked = (events.slice(cut) as OrderEvent[]).reduce<OrderState>(
        evolveOrder,
        orderFromRow(orderToRow(head, cut - 1)),
      )!;
      if (!sameJson(orderToRecord(picked, last), orderToRecord(whole, last)))
        violated('an orders row folded on from a row read back is the row of the whole fold', {
          stream: history.streamId,
          cut,
          picked: orderToRecord(picked, last),
          whole: orderToRecord(whole, last),
        });
    } else {
      const head = foldStore(events.slice(0, cut) as StoreEvent[]);
      const whole = foldStore(events as StoreEvent[]);
      if (head === null || whole === null) continue;
      const picked = (events.slice(cut) as StoreEvent[]).reduce<StoreState>(
        evolveStore,
        storeFromRow(storeToRow(head, cut - 1)),
      )!;
      if (!sameJson(storeToRow(picked, last), storeToRow(whole, last)))
        violated('a stores row folded on from a row read back is the row of the whole fold', {
          stream: history.streamId,
          cut,
        });
    }
  }
}

/**
 * Invariant 5: the state is the same live (returned by each command), from a
 * replay of the stream, and from a rebuild (the log re-read in batches, or
 * the events after a round trip through JSON on the pure path); and the read
 * models' rows are the same whether a projection folded a stream in one go or
 * picked it up again from its row.
 */
export function checkFoldsAgree(
  run: ScenarioRun,
  rebuilt: ReadonlyMap<string, readonly DomainEvent[]>,
): void {
  for (const history of run.orders) {
    const replayed = foldOrder(history.events);
    const rebuiltState = foldOrder((rebuilt.get(history.streamId) ?? []) as OrderEvent[]);
    if (!sameState(replayed, history.live) || !sameState(replayed, rebuiltState)) {
      violated('live, replayed and rebuilt order states agree', {
        stream: history.streamId,
        live: history.live,
        replayed,
        rebuilt: rebuiltState,
      });
    }
    for (const step of orderSteps(run, history.streamId)) {
      if (!step.outcome.ok) continue;
      const prefix = foldOrder(history.events.slice(0, step.outcome.version + 1));
      if (!sameState(prefix, step.outcome.state)) {
        violated('the state a command returns is the fold of the stream up to its version', {
          stream: history.streamId,
          step: step.index,
          live: step.outcome.state,
          replayed: prefix,
        });
      }
    }
  }
  for (const history of run.stores) {
    const replayed = foldStore(history.events);
    const rebuiltState = foldStore((rebuilt.get(history.streamId) ?? []) as StoreEvent[]);
    if (!sameState(replayed, history.live) || !sameState(replayed, rebuiltState)) {
      violated('live, replayed and rebuilt store states agree', {
        stream: history.streamId,
        live: history.live,
        replayed,
        rebuilt: rebuiltState,
      });
    }
  }
  for (const history of [...run.orders, ...run.stores]) checkRowsFoldOn(history);
}

// ---------------------------------------------------------------------------
// After sync (docs/fbt-sync-rules.md, "After sync"): the rules read aloud
// again, over each order's stream, without src/domain's arithmetic.
// ---------------------------------------------------------------------------

/** Amounts are written with exactly the currency's digits: their minor units are the digits. */
const minorOf = (amount: string): bigint => BigInt(amount.replace('.', ''));

type AfterSyncFactEvent = OrderCancelledAfterSync | OrderLinesCancelled | OrderRefundCompleted;

/** A mirroring request, with what was planned for the order before it. */
interface RequestSeen {
  index: number;
  request: MirroringRequest;
  /** The fact it mirrors (none for a hold release). */
  fact: AfterSyncFactEvent | undefined;
  /** Per line: units taken off, and units restocked, by the requests before it. */
  unitsBefore: number[];
  restockBefore: number[];
  /** Money refunded by the requests before it, in minor units. */
  refundedBefore: bigint;
  statusAt: TikTokOrderStatus;
  syncedBefore: boolean;
}

interface AfterSyncWalk {
  placed: OrderPlaced;
  settings: OrderSettings;
  total: bigint;
  deduction: InventoryDeducted | null;
  plan: SyncPlan | null;
  synced: boolean;
  cancelledBeforeSync: boolean;
  cancelledAfterSync: OrderCancelledAfterSync | null;
  finalStatus: TikTokOrderStatus;
  requests: RequestSeen[];
}

/** The documented keys: one whole-order cancellation per order, else one per TikTok id. */
const keyOfFactEvent = (fact: AfterSyncFactEvent): string =>
  fact.type === 'OrderCancelledAfterSync'
    ? 'cancel-order'
    : fact.type === 'OrderLinesCancelled'
      ? `cancel-lines:${fact.data.cancellationId}`
      : `refund:${fact.data.returnId}`;

function walkAfterSync(history: OrderHistory): AfterSyncWalk {
  const placed = placedOf(history);
  const context = { stream: history.streamId, events: typesOf(history.events) };
  const lines = placed.data.lineItems;
  const units = lines.map(() => 0);
  const restock = lines.map(() => 0);
  let refunded = 0n;
  const walk: AfterSyncWalk = {
    placed,
    settings: settingsOf(history),
    total: minorOf(placed.data.totalAmount),
    deduction: null,
    plan: null,
    synced: false,
    cancelledBeforeSync: false,
    cancelledAfterSync: null,
    finalStatus: placed.data.status,
    requests: [],
  };
  const facts = new Map<string, AfterSyncFactEvent>();
  history.events.forEach((event, index) => {
    switch (event.type) {
      case 'FbtStatusChanged':
      case 'OrderStatusChanged':
        walk.finalStatus = event.data.to;
        break;
      case 'OrderSyncRequested':
        walk.plan ??= event.data.plan;
        break;
      case 'OrderSynced':
        walk.synced = true;
        break;
      case 'InventoryDeducted':
        walk.deduction = event;
        break;
      case 'OrderCancelled':
        walk.cancelledBeforeSync = true;
        break;
      case 'OrderCancelledAfterSync':
      case 'OrderLinesCancelled':
      case 'OrderRefundCompleted': {
        const key = keyOfFactEvent(event);
        if (facts.has(key)) violated('a TikTok fact is recorded once', { ...context, key });
        if (walk.cancelledBeforeSync)
          violated('nothing after sync is recorded for an order cancelled before sync', context);
        if (event.type === 'OrderCancelledAfterSync') {
          if (!walk.synced) violated('OrderCancelledAfterSync only after OrderSynced', context);
          walk.cancelledAfterSync = event;
        }
        facts.set(key, event);
        break;
      }
      case 'PlatformCancellationRequested':
      case 'PlatformRefundRequested':
      case 'PlatformHoldReleaseRequested': {
        walk.requests.push({
          index,
          request: event,
          fact: facts.get(event.data.key),
          unitsBefore: [...units],
          restockBefore: [...restock],
          refundedBefore: refunded,
          statusAt: walk.finalStatus,
          syncedBefore: walk.synced,
        });
        if (event.type === 'PlatformHoldReleaseRequested') break;
        for (const entry of event.data.lines) {
          if (entry.line < 0 || entry.line >= lines.length)
            violated('a plan names lines of the order', { ...context, entry });
          units[entry.line]! += entry.quantity;
          if (entry.restockType !== 'NO_RESTOCK') restock[entry.line]! += entry.quantity;
        }
        if (event.data.amount !== null) refunded += minorOf(event.data.amount);
        break;
      }
      default:
        break;
    }
  });
  return walk;
}

/** The restock the rules give one unit of a plan, by the order's facts (never partial: see below). */
function expectedRestock(walk: AfterSyncWalk, request: MirroringRequest): string {
  const platform = walk.deduction?.data.location === 'ECOMMERCE_PLATFORM';
  if (request.type === 'PlatformCancellationRequested') return platform ? 'CANCEL' : 'NO_RESTOCK';
  const comesBack =
    walk.placed.data.fulfillmentType === 'FULFILLED_BY_SELLER' &&
    walk.settings.restockReturns &&
    request.type === 'PlatformRefundRequested' &&
    request.data.returnType === 'RETURN_AND_REFUND';
  return platform && comesBack ? 'RETURN' : 'NO_RESTOCK';
}

/** Units per line, summed over a plan's entries (or a restock's lines). */
function unitsPerLine(
  lineCount: number,
  entries: ReadonlyArray<{ line: number; quantity: number }>,
): number[] {
  const sums = Array.from({ length: lineCount }, () => 0);
  for (const { line, quantity } of entries) sums[line] = (sums[line] ?? 0) + quantity;
  return sums;
}

/**
 * At most one platform cancellation per order, and each TikTok fact mirrored
 * at most once: one request per fact, only once the order is on the platform,
 * never for an order cancelled before sync; attempts as the sync's (started,
 * then answered once); a duplicate, stale or rejected fact appends nothing.
 */
export function checkAfterSyncOnce(run: ScenarioRun): void {
  for (const history of run.orders) {
    const walk = walkAfterSync(history);
    const context = { stream: history.streamId, events: typesOf(history.events) };
    const keys = new Set<string>();
    for (const seen of walk.requests) {
      const { request } = seen;
      const key = request.data.key;
      if (keys.has(key)) violated('one request per mirroring', { ...context, key });
      keys.add(key);
      if (!seen.syncedBefore || walk.cancelledBeforeSync)
        violated('a mirroring is requested only for an order on the platform', { ...context, key });
      if (request.type === 'PlatformHoldReleaseRequested') {
        if (walk.plan?.onHold !== true || !modelPaid(seen.statusAt))
          violated('a hold is released only for an order synced held, once TikTok released it', {
            ...context,
            plan: walk.plan,
            status: seen.statusAt,
          });
        continue;
      }
      if (seen.fact === undefined || keyOfFactEvent(seen.fact) !== key)
        violated('every mirroring mirrors a TikTok fact recorded before it', { ...context, key });
      const whole =
        request.type === 'PlatformCancellationRequested' && request.data.scope === 'ORDER';
      if (whole !== (seen.fact.type === 'OrderCancelledAfterSync'))
        violated('the whole order is cancelled on the platform for a whole-order cancellation', {
          ...context,
          key,
        });
    }
    const whole = walk.requests.filter(
      (r) => r.request.type === 'PlatformCancellationRequested' && r.request.data.scope === 'ORDER',
    );
    if (whole.length > 1) violated('at most one platform cancellation per order', context);
    if (walk.cancelledAfterSync !== null && whole.length !== 1)
      violated('an order cancelled after sync is cancelled on the platform', context);
    const released = walk.requests.some((r) => r.request.type === 'PlatformHoldReleaseRequested');
    if (walk.synced && walk.plan?.onHold === true && modelPaid(walk.finalStatus) && !released)
      violated('an order synced held and released by TikTok has its hold released', context);

    // Attempts: started for a request, answered once, restocked with the answer.
    const attempts = new Map<string, { started: number; inFlight: number | null; done: boolean }>();
    history.events.forEach((event, i) => {
      if (
        event.type !== 'PlatformMirroringStarted' &&
        event.type !== 'PlatformMirrored' &&
        event.type !== 'PlatformMirroringFailed' &&
        event.type !== 'InventoryRestocked'
      )
        return;
      const key = event.data.key;
      const state = attempts.get(key) ?? { started: 0, inFlight: null, done: false };
      attempts.set(key, state);
      if (!keys.has(key) || walk.requests.find((r) => r.request.data.key === key)!.index > i)
        violated('a mirroring attempt follows its request', { ...context, key });
      if (event.type === 'PlatformMirroringStarted') {
        if (state.done || event.data.attempt !== state.started + 1)
          violated('attempts are started one after another, never after the mirroring is done', {
            ...context,
            key,
          });
        state.started = event.data.attempt;
        state.inFlight = event.data.attempt;
      } else if (event.type === 'InventoryRestocked') {
        const previous = history.events[i - 1];
        if (previous?.type !== 'PlatformMirrored' || previous.data.key !== key)
          violated('units are restocked right after their mirroring is done', { ...context, key });
      } else {
        if (state.done || event.data.attempt !== state.inFlight)
          violated('the attempt in flight is answered, once', { ...context, key, event });
        state.inFlight = null;
        if (event.type === 'PlatformMirrored') state.done = true;
      }
    });
    const restocks = history.events.filter((e) => e.type === 'InventoryRestocked');
    if (new Set(restocks.map((e) => e.data.key)).size !== restocks.length)
      violated('a mirroring restocks at most once', context);
  }

  // What changes nothing appends nothing; a fact for an order on the platform comes with its plan.
  for (const step of run.executed) {
    if (step.stream !== 'order' || !step.outcome.ok || step.before === null) continue;
    const history = run.orders.find((h) => h.streamId === step.streamId);
    if (history === undefined) continue;
    const prefix = history.events.slice(0, step.versionBefore + 1);
    const appended = step.outcome.appended;
    const has = (predicate: (event: OrderEvent) => boolean) => prefix.some(predicate);
    const context = { step: step.index, command: step.step, appended: typesOf(appended) };
    const { step: command } = step;
    if (command.kind === 'RecordTikTokReturn') {
      const recorded = has(
        (e) => e.type === 'OrderRefundCompleted' && e.data.returnId === `R${command.returnNo}`,
      );
      if ((command.status !== 'COMPLETED' || recorded) && appended.length > 0)
        violated('a return not completed, or recorded already, appends nothing', context);
    }
    if (command.kind === 'RecordTikTokCancellation') {
      const id = command.cancellation === null ? null : `C${command.cancellation}`;
      const recorded =
        command.lines === null
          ? has((e) => e.type === 'OrderCancelledAfterSync')
          : has((e) => e.type === 'OrderLinesCancelled' && e.data.cancellationId === id);
      if (recorded && appended.length > 0)
        violated('a cancellation recorded already appends nothing', context);
    }
    if (has((e) => e.type === 'OrderSynced')) {
      appended.forEach((event, i) => {
        if (event.type !== 'OrderLinesCancelled' && event.type !== 'OrderRefundCompleted') return;
        const next = appended[i + 1];
        if (
          (next?.type !== 'PlatformCancellationRequested' &&
            next?.type !== 'PlatformRefundRequested') ||
          next.data.key !== keyOfFactEvent(event)
        )
          violated(
            'a fact about an order on the platform comes with its plan, or not at all',
            context,
          );
      });
    }
  }
}

/**
 * Never more restocked than deducted, per line and per location: plans
 * restock only at the platform, where it deducted, as the rules say (a
 * cancellation where the platform was deducted; a return only for a
 * seller-fulfilled order of a store restocking returns, goods sent back), and
 * never units a plan before took off; what a mirroring restocked is what its
 * plan said, once.
 */
export function checkRestockedNoMoreThanDeducted(run: ScenarioRun): void {
  for (const history of run.orders) {
    const walk = walkAfterSync(history);
    const lines = walk.placed.data.lineItems;
    const context = { stream: history.streamId, events: typesOf(history.events) };
    const deducted = (location: string) =>
      lines.map((line) => (walk.deduction?.data.location === location ? line.quantity : 0));
    for (const seen of walk.requests) {
      const { request } = seen;
      if (request.type === 'PlatformHoldReleaseRequested') continue;
      const planned = unitsPerLine(lines.length, request.data.lines);
      const restocking = unitsPerLine(
        lines.length,
        request.data.lines.filter((l) => l.restockType !== 'NO_RESTOCK'),
      );
      const expected = expectedRestock(walk, request);
      for (const entry of request.data.lines) {
        if (entry.restockType !== expected || entry.sku !== lines[entry.line]!.sku)
          violated('each unit is restocked as the rules say', {
            ...context,
            key: request.data.key,
            entry,
            expected,
            deductedAt: walk.deduction?.data.location,
            settings: walk.settings,
          });
      }
      // The units a plan takes off: all those left (whole order), or those named, as far as left.
      const named =
        seen.fact?.type === 'OrderLinesCancelled' || seen.fact?.type === 'OrderRefundCompleted'
          ? unitsPerLine(lines.length, seen.fact.data.lines)
          : lines.map((line) => line.quantity);
      lines.forEach((line, i) => {
        const left = line.quantity - seen.unitsBefore[i]!;
        if (planned[i] !== Math.min(named[i]!, left))
          violated('a plan takes off the units named, as far as the line has them left', {
            ...context,
            key: request.data.key,
            line: i,
            planned: planned[i],
            named: named[i],
            left,
          });
        if (seen.restockBefore[i]! + restocking[i]! > deducted('ECOMMERCE_PLATFORM')[i]!)
          violated('never more restocked than the platform deducted, per line', {
            ...context,
            key: request.data.key,
            line: i,
          });
      });
    }
    // What was restocked, per line and location, against what was deducted there.
    const restocked = new Map<string, number[]>();
    for (const event of history.events) {
      if (event.type !== 'InventoryRestocked') continue;
      const request = walk.requests.find((r) => r.request.data.key === event.data.key)?.request;
      const plan =
        request === undefined || request.type === 'PlatformHoldReleaseRequested'
          ? []
          : request.data.lines.filter((l) => l.restockType !== 'NO_RESTOCK');
      if (!sameJson(unitsPerLine(lines.length, event.data.lines), unitsPerLine(lines.length, plan)))
        violated('a mirroring restocks what its plan said', { ...context, restock: event.data });
      const sums = restocked.get(event.data.location) ?? lines.map(() => 0);
      event.data.lines.forEach(({ line, quantity }) => (sums[line]! += quantity));
      restocked.set(event.data.location, sums);
    }
    for (const [location, sums] of restocked) {
      const bound = deducted(location);
      if (sums.some((sum, i) => sum > bound[i]!))
        violated('never more restocked than deducted, per line and location', {
          ...context,
          location,
          restocked: sums,
          deducted: bound,
        });
      // And per SKU, against InventoryDeducted itself.
      const bySku = new Map<string, number>();
      sums.forEach((sum, i) => bySku.set(lines[i]!.sku, (bySku.get(lines[i]!.sku) ?? 0) + sum));
      for (const [sku, sum] of bySku) {
        const item = walk.deduction?.data.items.find((it) => it.sku === sku);
        if (sum > 0 && (walk.deduction?.data.location !== location || sum > (item?.quantity ?? 0)))
          violated('never more restocked than InventoryDeducted took, per SKU and location', {
            ...context,
            sku,
            location,
          });
      }
    }
  }
}

/**
 * Never more refunded than the order's total: each refund is TikTok's amount
 * (cancelled lines: their value) as far as the total leaves it, no less.
 */
export function checkRefundedNoMoreThanTotal(run: ScenarioRun): void {
  for (const history of run.orders) {
    const walk = walkAfterSync(history);
    const lines = walk.placed.data.lineItems;
    const context = { stream: history.streamId, events: typesOf(history.events) };
    for (const seen of walk.requests) {
      const { request } = seen;
      if (request.type === 'PlatformHoldReleaseRequested') continue;
      if (request.type === 'PlatformCancellationRequested' && request.data.scope === 'ORDER') {
        if (request.data.amount !== null)
          violated('the whole order is cancelled without a refund', { ...context, request });
        continue;
      }
      const amount = minorOf(request.data.amount ?? '0');
      const left = walk.total - seen.refundedBefore;
      const asked =
        request.type === 'PlatformRefundRequested'
          ? seen.fact?.type === 'OrderRefundCompleted'
            ? minorOf(seen.fact.data.amount)
            : -1n
          : request.data.lines.reduce(
              (sum, l) => sum + BigInt(l.quantity) * minorOf(lines[l.line]!.unitPrice),
              0n,
            );
      if (
        amount !== (asked < left ? asked : left) ||
        request.data.currency !== walk.placed.data.currency
      )
        violated("a refund is what TikTok refunded, as far as the order's total leaves it", {
          ...context,
          key: request.data.key,
          amount: request.data.amount,
          asked: String(asked),
          left: String(left),
        });
    }
    const refunded = walk.requests.reduce(
      (sum, { request }) =>
        request.type === 'PlatformHoldReleaseRequested' || request.data.amount === null
          ? sum
          : sum + minorOf(request.data.amount),
      0n,
    );
    if (refunded > walk.total)
      violated("never more refunded than the order's total", {
        ...context,
        refunded: String(refunded),
        total: walk.placed.data.totalAmount,
      });
  }
}

/** Refused commands append nothing; accepted ones move the version by what they appended. */
export function checkVersions(run: ScenarioRun): void {
  for (const step of run.executed) {
    const { outcome } = step;
    if (!outcome.ok) {
      if (outcome.versionAfter !== step.versionBefore) {
        violated('a refused command appends nothing', {
          step: step.index,
          kind: step.step.kind,
          error: outcome.error.message,
          before: step.versionBefore,
          after: outcome.versionAfter,
        });
      }
    } else if (outcome.version !== step.versionBefore + outcome.appended.length) {
      violated('the stream grows by exactly what the command appended', {
        step: step.index,
        kind: step.step.kind,
        before: step.versionBefore,
        after: outcome.version,
        appended: outcome.appended.length,
      });
    }
  }
}

/**
 * The store streams: what each command did is what the rules document says
 * (the model), no FBT rules on FREE/ESSENTIALS, WAIT and tags only on Shopify,
 * and leaving PRO/ENTERPRISE resets customised rules with an event.
 */
export function checkStoreRules(run: ScenarioRun): void {
  for (const step of run.executed) {
    if (step.stream !== 'store') continue;
    const { outcome, expected } = step;
    const context = { step: step.index, command: step.step, model: step.modelBefore, expected };
    if ('refused' in expected) {
      if (outcome.ok || outcome.error.code !== expected.refused) {
        violated(`the store command must be refused with ${expected.refused}`, {
          ...context,
          actual: outcome.ok ? typesOf(outcome.appended) : outcome.error.problems,
        });
      }
      continue;
    }
    if (!outcome.ok) {
      violated('the store command must be accepted', {
        ...context,
        refused: outcome.error.problems,
      });
    }
    if (!sameJson(typesOf(outcome.appended), expected.events)) {
      violated('the store command appends what the rules say', {
        ...context,
        appended: outcome.appended,
      });
    }
    const store = outcome.state;
    if (
      store === null ||
      store.plan !== expected.store.plan ||
      store.platform !== expected.store.platform ||
      store.rules.mode !== expected.store.rules.mode ||
      store.rules.orderTag !== expected.store.rules.orderTag ||
      !sameSettings(store.orderSettings, expected.store.settings)
    ) {
      violated('the store is as the rules say', { ...context, store });
    }
    if (
      !eligible(store.plan) &&
      (store.rules.mode !== DEFAULT_MODE || store.rules.orderTag !== null)
    )
      violated('no FBT rules on FREE or ESSENTIALS', { ...context, store });
    if (
      store.platform !== 'SHOPIFY' &&
      (store.rules.mode === WAIT || store.rules.orderTag !== null)
    )
      violated('WAIT_FOR_AWAITING_COLLECTION and tags only on Shopify', { ...context, store });
  }
  for (const history of run.stores) {
    const store = foldStore(history.events);
    if (store === null) violated('a store stream folds to a store', { stream: history.streamId });
    if (
      !eligible(store.plan) &&
      (store.rules.mode !== DEFAULT_MODE || store.rules.orderTag !== null)
    )
      violated('no FBT rules on FREE or ESSENTIALS after any sequence', { store });
    history.events.forEach((event, i) => {
      if (event.type !== 'FbtSyncRulesReset') return;
      const change = history.events[i - 1];
      if (
        change?.type !== 'StorePlanChanged' ||
        !eligible(change.data.previousPlan) ||
        eligible(change.data.plan)
      ) {
        violated('rules are reset only by a move off PRO/ENTERPRISE', {
          stream: history.streamId,
          events: typesOf(history.events),
        });
      }
    });
  }
}

/** Deep equality regardless of key order (jsonb does not keep it). */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
const sameState = sameJson;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, v]) => [key, canonical(v)]),
    );
  }
  return value;
}

// ---------------------------------------------------------------------------
// Coverage: what the generated runs reached, so a property cannot pass by
// never meeting the case it is about.
// ---------------------------------------------------------------------------

export type CoverageCase =
  | 'sellerSynced'
  | 'fbtDefaultSynced'
  | 'fbtSyncedWithTag'
  | 'waitSynced'
  | 'waitBlockedThenSynced'
  | 'waitFirstSeenAtCollection'
  | 'blockedStillBlocked'
  | 'cancelledBeforeSync'
  | 'cancelledWithAttemptInFlight'
  | 'cancelledAfterSync'
  | 'cancelledAfterDeliveredIgnored'
  | 'duplicateStatusIgnored'
  | 'staleStatusIgnored'
  | 'orderRecordedTwice'
  | 'syncedRecordedTwice'
  | 'resultNotInFlight'
  | 'retriedAfterFailure'
  | 'finalFailure'
  | 'rulesChangedAfterPlacement'
  | 'rulesResetOnPlanChange'
  | 'ruleChangeRefused'
  | 'settingsRecorded'
  | 'syncedOnHold'
  | 'holdReleaseRequested'
  | 'holdReleaseSuperseded'
  | 'cancelledInHoldWindow'
  | 'cancelledAfterSyncRequested'
  | 'cancelledAfterSyncNotRestocked'
  | 'platformCancellationMirrored'
  | 'linesCancelledAfterSync'
  | 'factRecordedBeforeSync'
  | 'refundRequested'
  | 'refundRestocked'
  | 'refundClamped'
  | 'unitsLeftOut'
  | 'returnNotCompletedIgnored'
  | 'duplicateFactIgnored'
  | 'restockedOnMirror'
  | 'mirroringFailedFinal'
  | 'mirroringRetried'
  | 'mirroringAnswerRefused';

export type Coverage = Record<CoverageCase, number>;

export function emptyCoverage(): Coverage {
  return {
    sellerSynced: 0,
    fbtDefaultSynced: 0,
    fbtSyncedWithTag: 0,
    waitSynced: 0,
    waitBlockedThenSynced: 0,
    waitFirstSeenAtCollection: 0,
    blockedStillBlocked: 0,
    cancelledBeforeSync: 0,
    cancelledWithAttemptInFlight: 0,
    cancelledAfterSync: 0,
    cancelledAfterDeliveredIgnored: 0,
    duplicateStatusIgnored: 0,
    staleStatusIgnored: 0,
    orderRecordedTwice: 0,
    syncedRecordedTwice: 0,
    resultNotInFlight: 0,
    retriedAfterFailure: 0,
    finalFailure: 0,
    rulesChangedAfterPlacement: 0,
    rulesResetOnPlanChange: 0,
    ruleChangeRefused: 0,
    settingsRecorded: 0,
    syncedOnHold: 0,
    holdReleaseRequested: 0,
    holdReleaseSuperseded: 0,
    cancelledInHoldWindow: 0,
    cancelledAfterSyncRequested: 0,
    cancelledAfterSyncNotRestocked: 0,
    platformCancellationMirrored: 0,
    linesCancelledAfterSync: 0,
    factRecordedBeforeSync: 0,
    refundRequested: 0,
    refundRestocked: 0,
    refundClamped: 0,
    unitsLeftOut: 0,
    returnNotCompletedIgnored: 0,
    duplicateFactIgnored: 0,
    restockedOnMirror: 0,
    mirroringFailedFinal: 0,
    mirroringRetried: 0,
    mirroringAnswerRefused: 0,
  };
}

/** The after-sync cases one order's stream reached. */
function measureAfterSync(history: OrderHistory, reached: Set<CoverageCase>): void {
  const { events } = history;
  const types = typesOf(events);
  const synced = types.indexOf('OrderSynced');
  if (types.includes('OrderSettingsRecorded')) reached.add('settingsRecorded');
  const plan = events.find((e) => e.type === 'OrderSyncRequested')?.data.plan;
  if (synced >= 0 && plan?.onHold === true) reached.add('syncedOnHold');
  const release = types.indexOf('PlatformHoldReleaseRequested');
  if (release >= 0) reached.add('holdReleaseRequested');
  if (history.live?.afterSync.mirrorings.some((m) => m.status === 'SUPERSEDED'))
    reached.add('holdReleaseSuperseded');
  events.forEach((event, i) => {
    switch (event.type) {
      case 'OrderCancelledAfterSync':
        if (plan?.onHold === true && (release < 0 || release > i))
          reached.add('cancelledInHoldWindow');
        break;
      case 'OrderLinesCancelled':
      case 'OrderRefundCompleted':
        if (synced < 0 || i < synced) {
          const key =
            event.type === 'OrderLinesCancelled'
              ? `cancel-lines:${event.data.cancellationId}`
              : `refund:${event.data.returnId}`;
          if (events.some((e, j) => j > synced && 'key' in e.data && e.data.key === key))
            reached.add('factRecordedBeforeSync');
        }
        break;
      case 'PlatformCancellationRequested': {
        const named = events
          .slice(0, i)
          .find(
            (e): e is OrderLinesCancelled =>
              e.type === 'OrderLinesCancelled' &&
              `cancel-lines:${e.data.cancellationId}` === event.data.key,
          );
        const units = event.data.lines.reduce((sum, l) => sum + l.quantity, 0);
        if (named && units < named.data.lines.reduce((sum, l) => sum + l.quantity, 0))
          reached.add('unitsLeftOut');
        if (event.data.scope === 'ORDER') {
          reached.add('cancelledAfterSyncRequested');
          if (!event.data.restock) reached.add('cancelledAfterSyncNotRestocked');
        } else reached.add('linesCancelledAfterSync');
        break;
      }
      case 'PlatformRefundRequested': {
        reached.add('refundRequested');
        if (event.data.lines.some((l) => l.restockType === 'RETURN'))
          reached.add('refundRestocked');
        const fact = events
          .slice(0, i)
          .find(
            (e): e is OrderRefundCompleted =>
              e.type === 'OrderRefundCompleted' && e.data.returnId === event.data.returnId,
          );
        if (fact && minorOf(event.data.amount) < minorOf(fact.data.amount))
          reached.add('refundClamped');
        const units = event.data.lines.reduce((sum, l) => sum + l.quantity, 0);
        if (fact && units < fact.data.lines.reduce((sum, l) => sum + l.quantity, 0))
          reached.add('unitsLeftOut');
        break;
      }
      case 'PlatformMirrored':
        if (event.data.key === 'cancel-order') reached.add('platformCancellationMirrored');
        break;
      case 'InventoryRestocked':
        reached.add('restockedOnMirror');
        break;
      case 'PlatformMirroringFailed':
        if (event.data.final) reached.add('mirroringFailedFinal');
        break;
      case 'PlatformMirroringRetryRequested':
        reached.add('mirroringRetried');
        break;
      default:
        break;
    }
  });
}

/** Counts the cases a run reached (each at most once per run). */
export function measureCoverage(run: ScenarioRun, coverage: Coverage): void {
  const reached = new Set<CoverageCase>();
  for (const history of run.orders) {
    const placed = history.events[0];
    if (placed?.type !== 'OrderPlaced') continue;
    const types = typesOf(history.events);
    const isSynced = types.includes('OrderSynced');
    const fbt = placed.data.fulfillmentType === 'FULFILLED_BY_TIKTOK';
    const wait = fbt && placed.data.rules.mode === WAIT;
    if (isSynced && !fbt) reached.add('sellerSynced');
    if (isSynced && fbt && !wait) reached.add('fbtDefaultSynced');
    if (isSynced && fbt && placed.data.rules.orderTag !== null) reached.add('fbtSyncedWithTag');
    if (isSynced && wait) reached.add('waitSynced');
    if (wait && types.includes('OrderBlocked') && types.includes('OrderSyncRequested'))
      reached.add('waitBlockedThenSynced');
    if (wait && modelAtOrAfter(placed.data.status, 'AWAITING_COLLECTION'))
      reached.add('waitFirstSeenAtCollection');
    if (history.live?.syncStatus === 'BLOCKED') reached.add('blockedStillBlocked');
    if (types.includes('OrderCancelled')) reached.add('cancelledBeforeSync');
    if (history.live?.tiktokStatus === 'CANCELLED' && isSynced) reached.add('cancelledAfterSync');
    if (history.events.some((e) => e.type === 'OrderSyncRequested' && e.data.requestedBy !== null))
      reached.add('retriedAfterFailure');
    if (history.live?.syncStatus === 'FAILED') reached.add('finalFailure');
    const placing = run.executed.find(
      (e) =>
        e.stream === 'order' &&
        e.streamId === history.streamId &&
        e.outcome.ok &&
        e.outcome.appended.some((event) => event.type === 'OrderPlaced'),
    );
    if (placing) {
      const changedLater = run.executed.some(
        (e) =>
          e.stream === 'store' &&
          e.shop === history.shop &&
          e.index > placing.index &&
          e.outcome.ok &&
          e.outcome.appended.some((event) => event.type !== 'StoreConnected'),
      );
      if (changedLater) reached.add('rulesChangedAfterPlacement');
    }
    measureAfterSync(history, reached);
  }
  for (const step of run.executed) {
    if (step.stream === 'store') {
      if (step.outcome.ok && typesOf(step.outcome.appended).includes('FbtSyncRulesReset'))
        reached.add('rulesResetOnPlanChange');
      if (
        !step.outcome.ok &&
        step.step.kind === 'UpdateFbtSyncRules' &&
        step.outcome.error.code !== 'NOT_FOUND'
      )
        reached.add('ruleChangeRefused');
      continue;
    }
    const { before, outcome } = step;
    if (before === null) continue;
    if (step.step.kind === 'RecordTikTokOrder' && outcome.ok) reached.add('orderRecordedTwice');
    if (step.step.kind === 'RecordTikTokOrderStatus' && outcome.ok) {
      const next = step.step.status;
      if (next === before.tiktokStatus) reached.add('duplicateStatusIgnored');
      else if (next === 'CANCELLED' && modelAtOrAfter(before.tiktokStatus, 'DELIVERED'))
        reached.add('cancelledAfterDeliveredIgnored');
      else if (!modelMovesOn(before.tiktokStatus, next)) reached.add('staleStatusIgnored');
    }
    if (
      step.step.kind === 'RecordTikTokOrderStatus' &&
      step.step.status === 'CANCELLED' &&
      before.attemptInFlight !== null &&
      before.syncStatus === 'PENDING'
    )
      reached.add('cancelledWithAttemptInFlight');
    if (step.step.kind === 'RecordOrderSynced' && outcome.ok && before.syncStatus === 'SYNCED')
      reached.add('syncedRecordedTwice');
    if (
      (step.step.kind === 'RecordOrderSynced' || step.step.kind === 'RecordOrderSyncFailure') &&
      !outcome.ok &&
      outcome.error.code === 'INVALID_STATE'
    )
      reached.add('resultNotInFlight');
    if (
      (step.step.kind === 'RecordPlatformMirrored' ||
        step.step.kind === 'RecordPlatformMirroringFailure') &&
      !outcome.ok &&
      outcome.error.code === 'INVALID_STATE'
    )
      reached.add('mirroringAnswerRefused');
    if (before.syncStatus === 'SYNCED' && outcome.ok && outcome.appended.length === 0) {
      if (step.step.kind === 'RecordTikTokReturn' && step.step.status !== 'COMPLETED')
        reached.add('returnNotCompletedIgnored');
      // TikTok's ids recorded before ('C0', 'R1', ...), and 'whole' for the whole order.
      const keys = [
        ...before.afterSync.facts.map((f) =>
          f.type === 'OrderLinesCancelled' ? f.data.cancellationId : f.data.returnId,
        ),
        ...(before.afterSync.cancellation === null ? [] : ['whole']),
      ];
      const named =
        step.step.kind === 'RecordTikTokReturn'
          ? `R${step.step.returnNo}`
          : step.step.kind === 'RecordTikTokCancellation'
            ? step.step.lines === null
              ? 'whole'
              : `C${step.step.cancellation ?? ''}`
            : null;
      if (named !== null && keys.includes(named)) reached.add('duplicateFactIgnored');
    }
  }
  for (const name of reached) coverage[name] += 1;
}
