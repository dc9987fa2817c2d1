import { DomainError } from '../domain/domainError';
import { storeStreamId } from '../domain/eventCatalog';
import {
  orderSettingsInForce,
  rulesInForce,
  storeDecider,
  type Store,
  type StoreCommand,
  type StoreState,
} from '../domain/storeDecider';
import type { StoreEvent } from '../domain/storeEvents';
import type { EcommercePlatform, FbtSyncMode, OnHoldOrders, Plan } from '../domain/storeVocabulary';
import type { StoreSnapshot } from '../domain/orderDecider';
import { aggregateStream } from '../eventstore/aggregateStream';
import { type CommandContext, isoNow } from './commandContext';
import { handleCommand, type HandleResult } from './handleCommand';
import { storeIdFor } from './ids';

export type StoreResult = HandleResult<StoreState, StoreEvent>;

export interface ConnectStoreInput {
  name: string;
  tiktokShopId: string;
  platform: EcommercePlatform;
  plan: Plan;
  shopDomain: string | null;
}

export function connectStore(
  context: CommandContext,
  input: ConnectStoreInput,
): Promise<StoreResult> {
  const storeId = storeIdFor(input.tiktokShopId);
  return handleCommand(
    context.eventStore,
    storeStreamId(storeId),
    storeDecider,
    {
      type: 'ConnectStore',
      data: { ...input, storeId, now: isoNow(context), actor: context.metadata.actor },
    },
    { metadata: context.metadata },
  );
}

/** The time and the actor every store command carries, from the context. */
interface Stamp {
  now: string;
  actor: string;
}

/** Decides one command on a store's stream, stamped with the context's time and actor. */
function onStore(
  context: CommandContext,
  storeId: string,
  command: (stamp: Stamp) => StoreCommand,
  expectedVersion?: number,
): Promise<StoreResult> {
  const stamp = { now: isoNow(context), actor: context.metadata.actor };
  return handleCommand(context.eventStore, storeStreamId(storeId), storeDecider, command(stamp), {
    metadata: context.metadata,
    expectedVersion,
  });
}

export function changeStorePlan(
  context: CommandContext,
  input: { storeId: string; plan: Plan; expectedVersion?: number },
): Promise<StoreResult> {
  return onStore(
    context,
    input.storeId,
    (stamp) => ({ type: 'ChangeStorePlan', data: { plan: input.plan, ...stamp } }),
    input.expectedVersion,
  );
}

export function updateFbtSyncRules(
  context: CommandContext,
  input: { storeId: string; mode: FbtSyncMode; orderTag: string | null; expectedVersion?: number },
): Promise<StoreResult> {
  return onStore(
    context,
    input.storeId,
    (stamp) => ({
      type: 'UpdateFbtSyncRules',
      data: { mode: input.mode, orderTag: input.orderTag, ...stamp },
    }),
    input.expectedVersion,
  );
}

/** How ON_HOLD orders are treated and whether returns are restocked (every plan). */
export function updateOrderSettings(
  context: CommandContext,
  input: {
    storeId: string;
    onHoldOrders: OnHoldOrders;
    restockReturns: boolean;
    expectedVersion?: number;
  },
): Promise<StoreResult> {
  return onStore(
    context,
    input.storeId,
    (stamp) => ({
      type: 'UpdateOrderSettings',
      data: { onHoldOrders: input.onHoldOrders, restockReturns: input.restockReturns, ...stamp },
    }),
    input.expectedVersion,
  );
}

/** The seller authorized the app on TikTok Shop for the store's shop (the tokens go to the vault, not here). */
export function recordTikTokAuthorization(
  context: CommandContext,
  input: {
    storeId: string;
    tiktokShopId: string;
    shopName: string | null;
    region: string | null;
    grantedScopes: string[];
  },
): Promise<StoreResult> {
  const { storeId, ...fields } = input;
  return onStore(context, storeId, (stamp) => ({
    type: 'RecordTikTokAuthorization',
    data: { ...fields, ...stamp },
  }));
}

/** The seller revoked the app, or TikTok refused the store's refresh token; once. */
export function recordTikTokDeauthorization(
  context: CommandContext,
  input: { storeId: string; tiktokShopId: string; reason: string; notifiedAt?: string },
): Promise<StoreResult> {
  const { storeId, ...fields } = input;
  return onStore(context, storeId, (stamp) => ({
    type: 'RecordTikTokDeauthorization',
    data: { ...fields, ...stamp },
  }));
}

/** The merchant approved the Shopify app on the store's shop (the token itself goes to the vault). */
export function recordShopifyInstall(
  context: CommandContext,
  input: { storeId: string; shopDomain: string; scopes: string[] },
): Promise<StoreResult> {
  const { storeId, ...fields } = input;
  return onStore(context, storeId, (stamp) => ({
    type: 'RecordShopifyInstall',
    data: { ...fields, ...stamp },
  }));
}

/** Shopify's app/uninstalled webhook for the store's shop. */
export function recordShopifyUninstall(
  context: CommandContext,
  input: { storeId: string; shopDomain: string; webhookId: string | null },
): Promise<StoreResult> {
  const { storeId, ...fields } = input;
  return onStore(context, storeId, (stamp) => ({
    type: 'RecordShopifyUninstall',
    data: { ...fields, ...stamp },
  }));
}

/** The store folded from its stream, or null. */
export async function loadStore(
  context: Pick<CommandContext, 'eventStore'>,
  storeId: string,
): Promise<Store | null> {
  return (await aggregateStream(context.eventStore, storeStreamId(storeId), storeDecider)).state;
}

/** What an order placed now needs to know of its store; NOT_FOUND when there is no such store. */
export async function storeSnapshot(
  context: Pick<CommandContext, 'eventStore'>,
  storeId: string,
): Promise<StoreSnapshot> {
  const store = await loadStore(context, storeId);
  if (store === null) throw DomainError.of('NOT_FOUND', ['storeId'], `no store with id ${storeId}`);
  return {
    storeId: store.storeId,
    platform: store.platform,
    plan: store.plan,
    rules: rulesInForce(store),
    settings: orderSettingsInForce(store),
  };
}
