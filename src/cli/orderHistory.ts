import type { OrderEvent } from '../domain/orderEvents';
import type { RecordedEvent } from '../eventstore/types';

const time = (date: Date) =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');

/** The facts of one event that matter to a person reading the history. */
function facts(event: OrderEvent): string {
  switch (event.type) {
    case 'OrderPlaced': {
      const d = event.data;
      const kind = d.fulfillmentType === 'FULFILLED_BY_TIKTOK' ? 'FBT' : 'seller-fulfilled';
      const rule =
        d.fulfillmentType === 'FULFILLED_BY_TIKTOK'
          ? `, decided under ${d.rules.mode}${d.rules.orderTag ? ` with tag "${d.rules.orderTag}"` : ''}`
          : '';
      const items = d.lineItems.map((i) => `${i.quantity} x ${i.sku} @ ${i.unitPrice}`).join(', ');
      return `TikTok order ${d.tiktokOrderId} (${kind}) placed ${d.placedAt} at ${d.status}${rule}; ${items}; total ${d.totalAmount} ${d.currency}; ${d.store.platform} store on ${d.store.plan}`;
    }
    case 'FbtStatusChanged':
    case 'OrderStatusChanged':
      return `TikTok status ${event.data.from} -> ${event.data.to} (TikTok time ${event.data.changedAt})`;
    case 'OrderBlocked':
      return `BLOCKED: ${event.data.reason}`;
    case 'OrderSyncRequested': {
      const p = event.data.plan;
      return `due for sync: ${event.data.reason}. Plan: ${p.platformOrderStatus}, inventory ${p.inventoryBehaviour} (deduct from ${p.inventoryLocation}), tags [${p.tags.join(', ')}]`;
    }
    case 'OrderSyncStarted':
      return `sync attempt ${event.data.attempt} started`;
    case 'OrderSynced':
      return `SYNCED as ${event.data.platformOrderId} (${event.data.platformOrderStatus}, tags [${event.data.tags.join(', ')}])${event.data.alreadyOnPlatform ? '; found already on the platform (an earlier attempt created it)' : ''}`;
    case 'InventoryDeducted':
      return `inventory deducted from ${event.data.location}: ${event.data.items.map((i) => `${i.quantity} x ${i.sku}`).join(', ')}`;
    case 'OrderSyncFailed':
      return `attempt ${event.data.attempt} failed: ${event.data.reason} (${event.data.retryable ? 'retryable' : 'will not pass by retrying'}; ${event.data.final ? 'no more automatic attempts' : `next attempt at ${event.data.nextAttemptAt}`})`;
    case 'OrderCancelled':
      return `CANCELLED: ${event.data.reason}`;
    default: {
      const _exhaustive: never = event;
      return JSON.stringify(_exhaustive);
    }
  }
}

/** An order's history, one line per event: time, version, event, the facts that mattered and why. */
export function formatOrderHistory(orderId: string, events: readonly RecordedEvent[]): string {
  const lines = [`order ${orderId} — ${events.length} event(s), oldest first`];
  for (const event of events) {
    const who = event.metadata.actor ? ` [by ${String(event.metadata.actor)}]` : '';
    lines.push(
      `${time(event.recordedAt)}  #${event.streamVersion} ${event.type.padEnd(18)} ${facts(event as unknown as OrderEvent)}${who}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
