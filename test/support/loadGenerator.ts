import { setTimeout as delay } from 'node:timers/promises';
import type { GraphqlClient, UserError } from './graphqlClient';

/**
 * A load generator that drives the service through its public GraphQL API
 * the way TikTok Shop's webhooks and a merchant would: stores under both FBT
 * rules, FBT and seller-fulfilled orders, statuses duplicated, delivered out
 * of order and after a cancellation, orders recorded twice. It remembers what
 * the service acknowledged, and says from that alone, by the decision table
 * of docs/fbt-sync-rules.md, where every order must end. Nothing here uses
 * the service's code: the table is written out again, so a test checks the
 * product against the rules rather than against itself.
 */

export const LIFECYCLE = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPING',
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
] as const;
export type TikTokStatus = (typeof LIFECYCLE)[number] | 'CANCELLED';
export type FulfillmentType = 'FULFILLED_BY_TIKTOK' | 'FULFILLED_BY_SELLER';
export type FbtSyncMode = 'SYNC_AND_DEDUCT_INVENTORY' | 'WAIT_FOR_AWAITING_COLLECTION';
export type Platform = 'SHOPIFY' | 'WOOCOMMERCE' | 'BIGCOMMERCE' | 'MAGENTO' | 'WIX';
export type Plan = 'FREE' | 'ESSENTIALS' | 'PRO' | 'ENTERPRISE';
export type SyncStatus = 'PENDING' | 'BLOCKED' | 'SYNCED' | 'FAILED' | 'CANCELLED';

export interface Rules {
  mode: FbtSyncMode;
  orderTag: string | null;
}
export const DEFAULT_RULES: Rules = { mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: null };

export interface StoreSpec {
  key: string;
  platform: Platform;
  plan: Plan;
  /** Set after connecting; none leaves the default. */
  rules?: Rules;
  /** Set at the run's rule change: orders placed after it are decided under these. */
  laterRules?: Rules;
}

export interface Store extends StoreSpec {
  id: string;
  shopDomain: string | null;
  /** The rules in force now, as the generator set them. */
  rulesInForce: Rules;
}

/** The mix the multi-process test sends: both rules on Shopify, the default, a FREE store elsewhere. */
export const MIXED_STORES: StoreSpec[] = [
  {
    key: 'shopify-pro-wait',
    platform: 'SHOPIFY',
    plan: 'PRO',
    rules: { mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'tiktok-fbt' },
  },
  // Changes rules halfway: its orders are decided under the rules of the moment they were placed.
  {
    key: 'shopify-enterprise-switch',
    platform: 'SHOPIFY',
    plan: 'ENTERPRISE',
    rules: { mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: 'FBT' },
    laterRules: { mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT-held' },
  },
  { key: 'shopify-default', platform: 'SHOPIFY', plan: 'ESSENTIALS' },
  { key: 'woocommerce-free', platform: 'WOOCOMMERCE', plan: 'FREE' },
];

const rank = (status: TikTokStatus) => LIFECYCLE.indexOf(status as (typeof LIFECYCLE)[number]);
const isPaid = (status: TikTokStatus) => status !== 'CANCELLED' && rank(status) >= 2;
const atOrAfterCollection = (status: TikTokStatus) => status !== 'CANCELLED' && rank(status) >= 4;

/** Whether TikTok's `next` moves the order on: duplicates, stale statuses and anything after CANCELLED do not. */
export function movesOn(current: TikTokStatus, next: TikTokStatus): boolean {
  if (current === next || current === 'CANCELLED') return false;
  if (next === 'CANCELLED') return rank(current) < rank('DELIVERED');
  return rank(next) > rank(current);
}

export interface LineItem {
  sku: string;
  title: string;
  quantity: number;
  unitPrice: string;
}

export type Message =
  { kind: 'record'; status: TikTokStatus } | { kind: 'status'; status: TikTokStatus };

export interface PlannedOrder {
  n: number;
  store: Store;
  tiktokOrderId: string;
  fulfillmentType: FulfillmentType;
  lineItems: LineItem[];
  messages: Message[];
}

/** What the generator knows of an order once it sent it. */
export interface SentOrder extends PlannedOrder {
  /** The id the first acknowledged recordTikTokOrder answered. */
  orderId: string | null;
  /** The store's rules when the order was first recorded. */
  placedUnder: Rules | null;
  placedAt: string | null;
  /** Every status the service acknowledged, in the order it did (record and status messages alike). */
  acknowledged: TikTokStatus[];
  /** A message that never got an answer: the history is not known for sure. */
  unknown: boolean;
}

/** A small deterministic generator (mulberry32): a seed gives the same orders on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SKUS = ['MUG-RED', 'CAP-BLUE', 'TEE-L', 'SOCKS-M', 'BAG-TOTE'];

export interface PlanOptions {
  count: number;
  seed: number;
  stores: Store[];
  /** Share of FBT orders (the rest are seller-fulfilled). Default 0.7. */
  fbtShare?: number;
  /** Whether to add duplicates, stale statuses, statuses after CANCELLED and second recordings. Default true. */
  messy?: boolean;
  /** Where TikTok order ids start, so that two runs on one store do not collide. */
  idPrefix: string;
}

/**
 * Orders with their whole story: a run of the lifecycle from where TikTok
 * first reports the order, sometimes cancelled on the way, then the mess of
 * webhooks on top: duplicates, stale statuses, a status after CANCELLED, the
 * order recorded a second time.
 */
export function planOrders({
  count,
  seed,
  stores,
  fbtShare = 0.7,
  messy = true,
  idPrefix,
}: PlanOptions): PlannedOrder[] {
  const random = seeded(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  const orders: PlannedOrder[] = [];
  for (let n = 0; n < count; n++) {
    const store = stores[n % stores.length]!;
    let path: TikTokStatus[];
    if (chance(0.03)) {
      path = ['CANCELLED']; // first seen cancelled
    } else {
      const starts = [0, 0, 0, 1, 2, 2, 2, 2, 2, 4, 4, 5];
      const start = pick(starts);
      const end = Math.min(LIFECYCLE.length - 1, start + between(0, LIFECYCLE.length - 1));
      path = LIFECYCLE.slice(start, end + 1).filter(
        (_, i, all) => i === 0 || i === all.length - 1 || !chance(0.3),
      );
      if (chance(0.2)) {
        // Cancelled at some point before delivery; anything TikTok says after it is ignored.
        const cancellable = path.filter((s) => rank(s) < rank('DELIVERED')).length;
        if (cancellable > 0) {
          const at = between(1, cancellable);
          path = [
            ...path.slice(0, at),
            'CANCELLED',
            ...(chance(0.3) ? path.slice(at, at + 1) : []),
          ];
        }
      }
    }
    let messages: Message[] = [
      { kind: 'record', status: path[0]! },
      ...path.slice(1).map((status) => ({ kind: 'status' as const, status })),
    ];
    if (messy) {
      // Duplicates: the same webhook twice in a row.
      messages = messages.flatMap((m) => (m.kind === 'status' && chance(0.15) ? [m, m] : [m]));
      // Stale: an earlier status delivered again after later ones.
      if (messages.length > 1 && chance(0.3)) {
        const from = between(0, messages.length - 2);
        const to = between(from + 2, messages.length);
        messages.splice(to, 0, { kind: 'status', status: messages[from]!.status });
      }
      // The order recorded again, with its first status or a later one it has seen.
      if (chance(0.15)) {
        const at = between(1, messages.length);
        const seen = messages.slice(0, at).map((m) => m.status);
        messages.splice(at, 0, { kind: 'record', status: pick(seen) });
      }
    }
    const lineItems = Array.from({ length: between(1, 3) }, (_, i) => ({
      sku: SKUS[(n + i) % SKUS.length]!,
      title: `Item ${i + 1}`,
      quantity: between(1, 3),
      unitPrice: `${between(1, 99)}.${between(10, 99)}`,
    }));
    orders.push({
      n,
      store,
      tiktokOrderId: `${idPrefix}${String(n).padStart(6, '0')}`,
      fulfillmentType: chance(fbtShare) ? 'FULFILLED_BY_TIKTOK' : 'FULFILLED_BY_SELLER',
      lineItems,
      messages,
    });
  }
  return orders;
}

/** Where an order must end, by the decision table, given what the service acknowledged. */
export interface Expectation {
  tiktokStatus: TikTokStatus;
  /** Usually one; two when a cancellation came once the order was due, racing its sync. */
  syncStatus: SyncStatus[];
  appliedFbtSyncMode: FbtSyncMode | null;
  /** When SYNCED: the platform status, the inventory location and behaviour, the tags. */
  synced: {
    platformOrderStatus: 'AWAITING_SHIPMENT' | 'FULFILLED';
    inventoryDeductedFrom: 'ECOMMERCE_PLATFORM' | 'TIKTOK_SHOP';
    inventoryBehaviour: 'DECREMENT_OBEYING_POLICY' | 'BYPASS';
    tags: string[];
  };
  /** Why, in the table's words, for failure messages. */
  why: string;
}

type Phase = 'waiting' | 'blocked' | 'due' | 'cancelled';

function phaseOf(fulfillment: FulfillmentType, mode: FbtSyncMode, status: TikTokStatus): Phase {
  if (status === 'CANCELLED') return 'cancelled';
  if (fulfillment === 'FULFILLED_BY_SELLER' || mode === 'SYNC_AND_DEDUCT_INVENTORY') {
    return isPaid(status) ? 'due' : 'waiting';
  }
  return atOrAfterCollection(status) ? 'due' : 'blocked';
}

/**
 * The decision table, folded over the acknowledged statuses. Before sync the
 * latest status decides (wait, block, sync, cancel); once the order is due,
 * it syncs, and a later change is only recorded — except a cancellation that
 * arrives before the sync lands, which the table resolves either way
 * (CANCELLED before sync, SYNCED after), so both are right.
 */
export function expectedEnd(
  order: Pick<SentOrder, 'fulfillmentType' | 'acknowledged' | 'store'> & { placedUnder: Rules },
): Expectation {
  const fbt = order.fulfillmentType === 'FULFILLED_BY_TIKTOK';
  const { mode, orderTag } = order.placedUnder;
  const [first, ...rest] = order.acknowledged;
  if (first === undefined) throw new Error('an order with no acknowledged status');
  let status = first;
  let phase = phaseOf(order.fulfillmentType, mode, status);
  let raced = false;
  for (const next of rest) {
    if (!movesOn(status, next)) continue;
    status = next;
    if (phase === 'waiting' || phase === 'blocked') {
      phase = phaseOf(order.fulfillmentType, mode, status);
    } else if (phase === 'due' && next === 'CANCELLED') {
      raced = true;
    }
  }
  const held = fbt && mode === 'WAIT_FOR_AWAITING_COLLECTION';
  const syncStatus: SyncStatus[] = {
    waiting: ['PENDING'] as SyncStatus[],
    blocked: ['BLOCKED'] as SyncStatus[],
    due: raced ? (['SYNCED', 'CANCELLED'] as SyncStatus[]) : (['SYNCED'] as SyncStatus[]),
    cancelled: ['CANCELLED'] as SyncStatus[],
  }[phase];
  return {
    tiktokStatus: status,
    syncStatus,
    appliedFbtSyncMode: fbt ? mode : null,
    synced: {
      platformOrderStatus: held ? 'FULFILLED' : 'AWAITING_SHIPMENT',
      inventoryDeductedFrom: held ? 'TIKTOK_SHOP' : 'ECOMMERCE_PLATFORM',
      inventoryBehaviour: held ? 'BYPASS' : 'DECREMENT_OBEYING_POLICY',
      tags: fbt && orderTag !== null ? [orderTag] : [],
    },
    why: `${fbt ? 'FBT' : 'seller'} order under ${mode} (tag ${orderTag ?? 'none'}), acknowledged ${order.acknowledged.join(' > ')}: ${phase}${raced ? ', then cancelled' : ''}`,
  };
}

const CONNECT_STORE = `mutation ConnectStore($input: ConnectStoreInput!) {
  connectStore(input: $input) { store { id shopDomain version } userErrors { field message code } }
}`;
const UPDATE_RULES = `mutation UpdateRules($input: UpdateFbtSyncRulesInput!) {
  updateFbtSyncRules(input: $input) {
    fbtSyncRules { mode orderTag } store { version } userErrors { field message code }
  }
}`;
const RECORD_ORDER = `mutation RecordOrder($input: RecordTikTokOrderInput!) {
  recordTikTokOrder(input: $input) { order { id tiktokStatus syncStatus } userErrors { field message code } }
}`;
const RECORD_STATUS = `mutation RecordStatus($input: RecordTikTokOrderStatusInput!) {
  recordTikTokOrderStatus(input: $input) { order { id tiktokStatus syncStatus } userErrors { field message code } }
}`;

interface Payload {
  userErrors: UserError[];
}

/** Connects the stores and sets their rules, through the API. */
export async function connectStores(
  client: GraphqlClient,
  specs: StoreSpec[],
  runId: string,
): Promise<Store[]> {
  const stores: Store[] = [];
  for (const spec of specs) {
    const shopDomain = spec.platform === 'SHOPIFY' ? `${spec.key}-${runId}.myshopify.com` : null;
    const { connectStore } = await client.request<{
      connectStore: Payload & { store: { id: string; shopDomain: string | null } | null };
    }>(CONNECT_STORE, {
      input: {
        name: `Evidence ${spec.key}`,
        tiktokShopId: `${spec.key}-${runId}`,
        platform: spec.platform,
        plan: spec.plan,
        shopDomain,
      },
    });
    if (connectStore.store === null)
      throw new Error(`connectStore ${spec.key}: ${JSON.stringify(connectStore.userErrors)}`);
    const store: Store = {
      ...spec,
      id: connectStore.store.id,
      shopDomain: connectStore.store.shopDomain,
      rulesInForce: DEFAULT_RULES,
    };
    if (spec.rules) await setRules(client, store, spec.rules);
    stores.push(store);
  }
  return stores;
}

export async function setRules(client: GraphqlClient, store: Store, rules: Rules): Promise<void> {
  const { updateFbtSyncRules } = await client.request<{ updateFbtSyncRules: Payload }>(
    UPDATE_RULES,
    { input: { storeId: store.id, mode: rules.mode, orderTag: rules.orderTag } },
  );
  if (updateFbtSyncRules.userErrors.length > 0)
    throw new Error(
      `updateFbtSyncRules ${store.key}: ${JSON.stringify(updateFbtSyncRules.userErrors)}`,
    );
  store.rulesInForce = rules;
}

/** Asks for a rule change the table refuses; answers the user errors. */
export async function refusedRules(
  client: GraphqlClient,
  store: Store,
  rules: Rules,
): Promise<UserError[]> {
  const { updateFbtSyncRules } = await client.request<{ updateFbtSyncRules: Payload }>(
    UPDATE_RULES,
    { input: { storeId: store.id, mode: rules.mode, orderTag: rules.orderTag } },
  );
  return updateFbtSyncRules.userErrors;
}

export interface LoadOptions {
  client: GraphqlClient;
  orders: PlannedOrder[];
  /** Orders in progress at once; each order's messages go one after the other. */
  concurrency: number;
  /** The pause between two messages of one order, at most (random). Default 20 ms. */
  maxGapMs?: number;
  /**
   * The share of pauses that are long instead (up to 20 x maxGapMs): TikTok's
   * next webhook comes once the order was synced, not before. Default 0.1.
   */
  longGapShare?: number;
  seed?: number;
}

export interface LoadRun {
  orders: SentOrder[];
  /** Messages answered so far, of `total`. */
  readonly sent: number;
  readonly total: number;
  /** Answers no valid input should get: user errors on a known order, a record that failed. */
  unexpected: string[];
  /** Resolves once every message is answered (or given up on). */
  done: Promise<void>;
  /**
   * Holds the senders between messages and resolves when no message is in
   * flight: everything sent before is acknowledged, nothing after is sent.
   */
  pause(): Promise<void>;
  resume(): void;
  /** The messages answered per second so far. */
  readonly rate: number;
}

/**
 * Sends the orders' messages: `concurrency` orders at once, each order's
 * messages in sequence (each answered before the next is sent, as the
 * service must apply them in this order for the table to say where the order
 * ends), the requests spread round robin over the client's targets.
 */
export function startLoad({
  client,
  orders,
  concurrency,
  maxGapMs = 20,
  longGapShare = 0.1,
  seed = 1,
}: LoadOptions): LoadRun {
  const random = seeded(seed);
  const sentOrders: SentOrder[] = orders.map((o) => ({
    ...o,
    orderId: null,
    placedUnder: null,
    placedAt: null,
    acknowledged: [],
    unknown: false,
  }));
  const total = orders.reduce((sum, o) => sum + o.messages.length, 0);
  const unexpected: string[] = [];
  let sent = 0;
  let inFlight = 0;
  let paused: { resume: Promise<void>; open: () => void } | null = null;
  let idle: (() => void) | null = null;
  const started = performance.now();

  async function send(order: SentOrder, message: Message): Promise<void> {
    const isFirst = order.orderId === null;
    order.placedAt ??= new Date(Date.now() - 1000).toISOString();
    const rulesNow = order.store.rulesInForce;
    const payload =
      message.kind === 'record'
        ? (
            await client.request<{
              recordTikTokOrder: Payload & { order: { id: string } | null };
            }>(RECORD_ORDER, {
              input: {
                storeId: order.store.id,
                tiktokOrderId: order.tiktokOrderId,
                fulfillmentType: order.fulfillmentType,
                status: message.status,
                lineItems: order.lineItems,
                currency: 'USD',
                placedAt: order.placedAt,
              },
            })
          ).recordTikTokOrder
        : (
            await client.request<{
              recordTikTokOrderStatus: Payload & { order: { id: string } | null };
            }>(RECORD_STATUS, {
              input: {
                storeId: order.store.id,
                tiktokOrderId: order.tiktokOrderId,
                status: message.status,
                changedAt: new Date().toISOString(),
              },
            })
          ).recordTikTokOrderStatus;
    if (payload.userErrors.length > 0 || payload.order === null) {
      unexpected.push(
        `order ${order.tiktokOrderId} ${message.kind} ${message.status}: ${JSON.stringify(payload.userErrors)}`,
      );
      return;
    }
    if (isFirst) {
      order.orderId = payload.order.id;
      order.placedUnder = rulesNow;
    }
    order.acknowledged.push(message.status);
  }

  async function gate(): Promise<void> {
    while (paused) await paused.resume;
  }

  const queue = [...sentOrders];
  const worker = async () => {
    for (let order = queue.shift(); order; order = queue.shift()) {
      for (const message of order.messages) {
        await gate();
        inFlight++;
        try {
          await send(order, message);
        } catch (error) {
          order.unknown = true;
          unexpected.push(`order ${order.tiktokOrderId}: ${(error as Error).message}`);
        } finally {
          inFlight--;
          sent++;
          if (inFlight === 0) idle?.();
        }
        if (order.unknown) break;
        if (maxGapMs > 0) await delay(random() * maxGapMs * (random() < longGapShare ? 20 : 1));
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => undefined);

  return {
    orders: sentOrders,
    get sent() {
      return sent;
    },
    total,
    unexpected,
    done,
    async pause() {
      let open = () => {};
      const resume = new Promise<void>((resolve) => (open = resolve));
      paused = { resume, open };
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      idle = null;
    },
    resume() {
      const current = paused;
      paused = null;
      current?.open();
    },
    get rate() {
      return sent / ((performance.now() - started) / 1000);
    },
  };
}

/** Statuses for orders TikTok never told us about: NOT_FOUND, and nothing written. */
export async function statusesForUnknownOrders(
  client: GraphqlClient,
  store: Store,
  tiktokOrderIds: string[],
): Promise<UserError[][]> {
  const answers: UserError[][] = [];
  for (const tiktokOrderId of tiktokOrderIds) {
    const { recordTikTokOrderStatus } = await client.request<{ recordTikTokOrderStatus: Payload }>(
      RECORD_STATUS,
      {
        input: {
          storeId: store.id,
          tiktokOrderId,
          status: 'IN_TRANSIT',
          changedAt: new Date().toISOString(),
        },
      },
    );
    answers.push(recordTikTokOrderStatus.userErrors);
  }
  return answers;
}
