import { storeIdFor } from '../../../commands/ids';
import { loadStore, recordTikTokDeauthorization } from '../../../commands/storeCommands';
import type { CredentialVault } from '../../../credentials/credentialVault';
import type { EventStore } from '../../../eventstore/createEventStore';
import type { TikTokSellerDeauthorization } from '../parseWebhook';
import { TIKTOK_WEBHOOK_ACTOR } from '../tiktokOrderIntake';
import type { DeauthorizationReceipt } from '../webhookRoute';
import type { TikTokAuthMetrics } from './tikTokAuthMetrics';

const DEFAULT_REASON = 'the seller deauthorized the app on TikTok Shop';

/** TikTok's message as the reason, made printable: a refusal here would make TikTok redeliver forever. */
function reasonOf(message: string): string {
  const printable = message
    .replace(/[\p{Cc}\p{Cs}]/gu, ' ')
    .trim()
    .slice(0, 300);
  return printable === '' ? DEFAULT_REASON : printable;
}

/**
 * TikTok's seller deauthorization webhook (type 6): the store's tokens leave
 * the vault first, then TikTokShopDeauthorized is recorded, so a crash in
 * between leaves no token behind and the redelivery records the event. A
 * redelivery appends nothing (the decider sees the store revoked already);
 * a revocation sent before the store's latest authorization is stale and
 * leaves the new tokens alone.
 */
export function createStoreDeauthorizer({
  eventStore,
  vault,
  metrics,
  now = () => new Date(),
}: {
  eventStore: EventStore;
  vault: CredentialVault;
  metrics: TikTokAuthMetrics;
  now?: () => Date;
}): (notification: TikTokSellerDeauthorization) => Promise<DeauthorizationReceipt> {
  return async (notification) => {
    const storeId = storeIdFor(notification.shopId);
    const store = await loadStore({ eventStore }, storeId);
    if (store === null) return 'unknown_shop';
    const current = store.tiktokAuthorization;
    const { notifiedAt } = notification;
    if (current?.state === 'AUTHORIZED' && notifiedAt !== undefined && notifiedAt < current.at) {
      return 'stale';
    }
    await vault.remove(storeId, 'tiktok');
    const { appended } = await recordTikTokDeauthorization(
      {
        eventStore,
        now,
        metadata: { correlationId: notification.notificationId, actor: TIKTOK_WEBHOOK_ACTOR },
      },
      {
        storeId,
        tiktokShopId: store.tiktokShopId,
        reason: reasonOf(notification.message),
        ...(notifiedAt === undefined ? {} : { notifiedAt }),
      },
    );
    if (appended.length > 0) metrics.authorization('deauthorized');
    return 'applied';
  };
}
