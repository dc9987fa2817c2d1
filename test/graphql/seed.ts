import type { CommandContext } from '../../src/commands/commandContext';
import {
  recordOrderSynced,
  recordOrderSyncFailure,
  recordTikTokOrder,
  type RecordTikTokOrderInput,
  startOrderSync,
} from '../../src/commands/orderCommands';
import { connectStore, updateFbtSyncRules } from '../../src/commands/storeCommands';
import type { EcommercePlatform, Plan } from '../../src/domain/storeVocabulary';

/** Connects a store through the command (not the API); its id. */
export async function seedStore(
  commands: CommandContext,
  tiktokShopId: string,
  { platform = 'SHOPIFY', plan = 'PRO' }: { platform?: EcommercePlatform; plan?: Plan } = {},
): Promise<string> {
  const { state } = await connectStore(commands, {
    name: `Shop ${tiktokShopId}`,
    tiktokShopId,
    platform,
    plan,
    shopDomain: platform === 'SHOPIFY' ? `${tiktokShopId.toLowerCase()}.myshopify.com` : null,
  });
  return state!.storeId;
}

/** A Shopify PRO store waiting for AWAITING_COLLECTION on FBT orders, tagged "FBT". */
export async function seedWaitingStore(
  commands: CommandContext,
  tiktokShopId: string,
): Promise<string> {
  const storeId = await seedStore(commands, tiktokShopId);
  await updateFbtSyncRules(commands, {
    storeId,
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    orderTag: 'FBT',
  });
  return storeId;
}

export const orderFacts = (
  storeId: string,
  tiktokOrderId: string,
  overrides: Partial<RecordTikTokOrderInput> = {},
): RecordTikTokOrderInput => ({
  storeId,
  tiktokOrderId,
  fulfillmentType: 'FULFILLED_BY_TIKTOK',
  status: 'AWAITING_SHIPMENT',
  lineItems: [{ sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '12.50' }],
  currency: 'USD',
  placedAt: '2026-11-28T10:15:00.000Z',
  ...overrides,
});

/** Records an order through the command; its id. */
export async function seedOrder(
  commands: CommandContext,
  storeId: string,
  tiktokOrderId: string,
  overrides: Partial<RecordTikTokOrderInput> = {},
): Promise<string> {
  const { state } = await recordTikTokOrder(
    commands,
    orderFacts(storeId, tiktokOrderId, overrides),
  );
  return state!.orderId;
}

/** Takes a due order through a sync attempt the platform accepts: SYNCED, inventory deducted. */
export async function seedSynced(commands: CommandContext, orderId: string): Promise<void> {
  const started = await startOrderSync(commands, orderId);
  const { syncAttempts, syncPlan } = started.state!;
  await recordOrderSynced(commands, orderId, {
    attempt: syncAttempts,
    platformOrderId: `P-${orderId.slice(0, 8)}`,
    platformOrderStatus: syncPlan!.platformOrderStatus,
    tags: syncPlan!.tags,
    alreadyOnPlatform: false,
  });
}

/** Takes a due order through a sync attempt the platform refuses for good: FAILED. */
export async function seedFailed(commands: CommandContext, orderId: string): Promise<void> {
  const started = await startOrderSync(commands, orderId);
  await recordOrderSyncFailure(commands, orderId, {
    attempt: started.state!.syncAttempts,
    reason: 'the platform refused the order',
    retryable: false,
    maxAttempts: 3,
    nextAttemptAt: commands.now().toISOString(),
  });
}
