import { setTimeout as delay } from 'node:timers/promises';
import { createGraphqlClient, Targets, type UserError } from '../support/graphqlClient';

/**
 * The service's GraphQL API as the end-to-end tests use it: the documents of
 * the public contract (contract/schema.graphql), sent over HTTP with an admin
 * token, and the polling that waits for what the service does on its own.
 */

export type SyncStatus = 'PENDING' | 'BLOCKED' | 'SYNCED' | 'FAILED' | 'CANCELLED';

export interface LineItemView {
  sku: string;
  title: string | null;
  quantity: number;
  unitPrice: string;
}

export interface HistoryEvent {
  streamId: string;
  streamVersion: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface OrderView {
  id: string;
  tiktokOrderId: string;
  fulfillmentType: 'FULFILLED_BY_TIKTOK' | 'FULFILLED_BY_SELLER';
  isFbt: boolean;
  tiktokStatus: string;
  syncStatus: SyncStatus;
  blockedReason: string | null;
  failureReason: string | null;
  syncAttempts: number;
  appliedFbtSyncMode: string | null;
  platformOrderId: string | null;
  platformOrderStatus: string | null;
  tags: string[];
  inventoryDeductedFrom: string | null;
  lineItems: LineItemView[];
  currency: string;
  totalAmount: string;
  history: HistoryEvent[];
}

export interface StoreView {
  id: string;
  tiktokShopId: string;
  platform: string;
  shopDomain: string | null;
  plan: string;
  version: number;
  availableFbtSyncModes: string[];
  fbtSyncRules: { mode: string; orderTag: string | null };
  inventoryDeductions: Array<{ sku: string; location: string; quantity: number }>;
}

const ORDER = `id tiktokOrderId fulfillmentType isFbt tiktokStatus syncStatus blockedReason failureReason
  syncAttempts appliedFbtSyncMode platformOrderId platformOrderStatus tags inventoryDeductedFrom
  lineItems { sku title quantity unitPrice } currency totalAmount
  history { streamId streamVersion type data metadata }`;
const STORE = `id tiktokShopId platform shopDomain plan version availableFbtSyncModes
  fbtSyncRules { mode orderTag } inventoryDeductions { sku location quantity }`;
const ERRORS = 'userErrors { field message code }';

const DOCUMENTS = {
  connectStore: `mutation ($input: ConnectStoreInput!) {
    connectStore(input: $input) { store { ${STORE} } ${ERRORS} } }`,
  updateFbtSyncRules: `mutation ($input: UpdateFbtSyncRulesInput!) {
    updateFbtSyncRules(input: $input) { fbtSyncRules { mode orderTag } ${ERRORS} } }`,
  recordTikTokOrder: `mutation ($input: RecordTikTokOrderInput!) {
    recordTikTokOrder(input: $input) { order { ${ORDER} } ${ERRORS} } }`,
  recordTikTokOrderStatus: `mutation ($input: RecordTikTokOrderStatusInput!) {
    recordTikTokOrderStatus(input: $input) { order { ${ORDER} } ${ERRORS} } }`,
  order: `query ($id: ID!) { order(id: $id) { ${ORDER} } }`,
  orderByTikTokId: `query ($storeId: ID!, $tiktokOrderId: String!) {
    orderByTikTokId(storeId: $storeId, tiktokOrderId: $tiktokOrderId) { ${ORDER} } }`,
  store: `query ($id: ID!) { store(id: $id) { ${STORE} } }`,
  projections: `query { projections { name lag } }`,
};

export interface ConnectStoreInput {
  name: string;
  tiktokShopId: string;
  platform: string;
  plan: string;
  shopDomain?: string | null;
}

export interface RecordOrderInput {
  storeId: string;
  tiktokOrderId: string;
  fulfillmentType: OrderView['fulfillmentType'];
  status: string;
  lineItems: LineItemView[];
  currency: string;
  placedAt: string;
}

export interface Payload<T> {
  value: T | null;
  userErrors: UserError[];
}

/** Polls until `probe` answers something; the generous deadline only turns a hang into a clear failure. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: () => string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await delay(25);
  }
}

export function createFbtSyncApi(url: string, authSecret: string) {
  const client = createGraphqlClient({ targets: new Targets([url]), secret: authSecret });
  const request = <Data>(document: string, variables: Record<string, unknown>) =>
    client.request<Data>(document, variables);

  const order = async (id: string) =>
    (await request<{ order: OrderView | null }>(DOCUMENTS.order, { id })).order;
  const store = async (id: string) =>
    (await request<{ store: StoreView | null }>(DOCUMENTS.store, { id })).store;

  return {
    async connectStore(input: ConnectStoreInput): Promise<StoreView> {
      const { connectStore } = await request<{
        connectStore: { store: StoreView | null; userErrors: UserError[] };
      }>(DOCUMENTS.connectStore, { input });
      if (connectStore.store === null)
        throw new Error(`connectStore refused: ${JSON.stringify(connectStore.userErrors)}`);
      return connectStore.store;
    },

    async updateFbtSyncRules(input: {
      storeId: string;
      mode: string;
      orderTag?: string | null;
    }): Promise<Payload<{ mode: string; orderTag: string | null }>> {
      const { updateFbtSyncRules: payload } = await request<{
        updateFbtSyncRules: {
          fbtSyncRules: { mode: string; orderTag: string | null } | null;
          userErrors: UserError[];
        };
      }>(DOCUMENTS.updateFbtSyncRules, { input });
      return { value: payload.fbtSyncRules, userErrors: payload.userErrors };
    },

    async recordTikTokOrder(input: RecordOrderInput): Promise<OrderView> {
      const { recordTikTokOrder: payload } = await request<{
        recordTikTokOrder: { order: OrderView | null; userErrors: UserError[] };
      }>(DOCUMENTS.recordTikTokOrder, { input });
      if (payload.order === null)
        throw new Error(`recordTikTokOrder refused: ${JSON.stringify(payload.userErrors)}`);
      return payload.order;
    },

    async recordTikTokOrderStatus(input: {
      storeId: string;
      tiktokOrderId: string;
      status: string;
      changedAt?: string;
    }): Promise<OrderView> {
      const { recordTikTokOrderStatus: payload } = await request<{
        recordTikTokOrderStatus: { order: OrderView | null; userErrors: UserError[] };
      }>(DOCUMENTS.recordTikTokOrderStatus, {
        input: { changedAt: new Date().toISOString(), ...input },
      });
      if (payload.order === null)
        throw new Error(`recordTikTokOrderStatus refused: ${JSON.stringify(payload.userErrors)}`);
      return payload.order;
    },

    order,
    store,

    async orderByTikTokId(storeId: string, tiktokOrderId: string): Promise<OrderView | null> {
      return (
        await request<{ orderByTikTokId: OrderView | null }>(DOCUMENTS.orderByTikTokId, {
          storeId,
          tiktokOrderId,
        })
      ).orderByTikTokId;
    },

    /** Polls the Orders view until the order satisfies `condition`; answers it. */
    async untilOrder(
      id: string,
      condition: (order: OrderView) => boolean,
      what: string,
    ): Promise<OrderView> {
      let last: OrderView | null = null;
      return eventually(
        async () => {
          last = await order(id);
          return last !== null && condition(last) ? last : undefined;
        },
        () => `order ${id} to be ${what}; last seen ${JSON.stringify(last)}`,
      );
    },

    /** Waits until every projection has applied the whole log, so every read model agrees with it. */
    async untilProjectionsCaughtUp(): Promise<void> {
      let last: unknown = null;
      await eventually(
        async () => {
          const { projections } = await request<{
            projections: Array<{ name: string; lag: number }>;
          }>(DOCUMENTS.projections, {});
          last = projections;
          return projections.every((p) => p.lag === 0) ? true : undefined;
        },
        () => `the projections to catch up; last seen ${JSON.stringify(last)}`,
      );
    },
  };
}

export type FbtSyncApi = ReturnType<typeof createFbtSyncApi>;
