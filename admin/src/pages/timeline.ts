import type { RecordedEvent } from '../types';

type Data = Record<string, unknown>;
const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : '';
const list = (v: unknown): Data[] => (Array.isArray(v) ? (v as Data[]) : []);
const items = (v: unknown) =>
  list(v)
    .map((i) => `${str(i.quantity)} × ${str(i.sku)}`)
    .join(', ');

/** A heading and a sentence per event: why the order was blocked, why synced, what was deducted where. */
export function describeEvent(event: RecordedEvent): { title: string; text: string } {
  const d = event.data;
  switch (event.type) {
    case 'OrderPlaced': {
      const fbt = d.fulfillmentType === 'FULFILLED_BY_TIKTOK';
      const rules = (d.rules ?? {}) as Data;
      const store = (d.store ?? {}) as Data;
      return {
        title: 'Placed on TikTok Shop',
        text:
          `${fbt ? 'Fulfilled by TikTok' : 'Fulfilled by the seller'}, at ${str(d.status)}; ${items(d.lineItems)}; ` +
          `total ${str(d.totalAmount)} ${str(d.currency)}.` +
          (fbt
            ? ` Decided under ${str(rules.mode)}${rules.orderTag ? ` with tag “${str(rules.orderTag)}”` : ''} (${str(store.platform)}, ${str(store.plan)} plan).`
            : ''),
      };
    }
    case 'FbtStatusChanged':
    case 'OrderStatusChanged':
      return {
        title: 'TikTok status changed',
        text: `${str(d.from)} → ${str(d.to)} (TikTok time ${str(d.changedAt)}).`,
      };
    case 'OrderBlocked':
      return { title: 'Blocked', text: str(d.reason) };
    case 'OrderSyncRequested': {
      const p = (d.plan ?? {}) as Data;
      const tags = Array.isArray(p.tags) ? (p.tags as string[]) : [];
      return {
        title: 'Due for sync',
        text: `${str(d.reason)}. To be created as ${str(p.platformOrderStatus)}, inventory ${str(p.inventoryBehaviour)} (from ${str(p.inventoryLocation)})${tags.length ? `, tags ${tags.join(', ')}` : ''}.`,
      };
    }
    case 'OrderSyncStarted':
      return { title: 'Sync attempt started', text: `Attempt ${str(d.attempt)}.` };
    case 'OrderSynced':
      return {
        title: 'Synced',
        text: `On the platform as ${str(d.platformOrderId)} (${str(d.platformOrderStatus)}).${d.alreadyOnPlatform ? ' Found there already: an earlier attempt had created it.' : ''}`,
      };
    case 'InventoryDeducted':
      return {
        title: 'Inventory deducted',
        text: `From ${d.location === 'TIKTOK_SHOP' ? 'TikTok Shop (FBT warehouse)' : 'the e-commerce platform'}: ${items(d.items)}.`,
      };
    case 'OrderSyncFailed':
      return {
        title: 'Sync attempt failed',
        text: `Attempt ${str(d.attempt)}: ${str(d.reason)}. ${d.retryable ? 'Retryable' : 'Will not pass by retrying'}; ${d.final ? 'no more automatic attempts.' : `next attempt at ${str(d.nextAttemptAt)}.`}`,
      };
    case 'OrderCancelled':
      return { title: 'Cancelled', text: str(d.reason) };
    default:
      return { title: event.type, text: JSON.stringify(d) };
  }
}
