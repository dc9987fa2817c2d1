import { asDomainEvent } from '../eventstore/aggregateStream';
import type { PlannedLine } from '../domain/afterSyncVocabulary';
import type { OrderEvent } from '../domain/orderEvents';
import type { RecordedEvent } from '../eventstore/types';

const time = (date: Date) =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');

const units = (lines: ReadonlyArray<{ line: number; sku: string; quantity: number }>) =>
  lines.map((l) => `${l.quantity} x ${l.sku} (line ${l.line})`).join(', ');

/** Each planned line with its restock and why, for the audit. */
const planned = (lines: readonly PlannedLine[]) =>
  lines
    .map((l) => `${l.quantity} x ${l.sku} (line ${l.line}) ${l.restockType}: ${l.why}`)
    .join('; ');

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
    case 'OrderSettingsRecorded':
      return `handled under onHoldOrders ${event.data.onHoldOrders}, restockReturns ${event.data.restockReturns ? 'on' : 'off'}`;
    case 'OrderCancelledAfterSync':
      return `cancelled on TikTok Shop after sync by ${event.data.initiator}: ${event.data.reason}${event.data.cancellationId ? ` (cancellation ${event.data.cancellationId})` : ''} (TikTok time ${event.data.cancelledAt})`;
    case 'OrderLinesCancelled':
      return `lines cancelled on TikTok Shop by ${event.data.initiator}: ${units(event.data.lines)}; ${event.data.reason} (cancellation ${event.data.cancellationId})`;
    case 'OrderRefundCompleted':
      return `${event.data.returnType} ${event.data.returnId} completed on TikTok Shop: ${event.data.amount} ${event.data.currency}${event.data.lines.length > 0 ? ` for ${units(event.data.lines)}` : ''}`;
    case 'PlatformCancellationRequested': {
      const d = event.data;
      const what =
        d.scope === 'ORDER'
          ? `platform order to be cancelled (restock ${d.restock ? 'yes' : 'no'})`
          : `lines to be cancelled on the platform, ${d.amount} ${d.currency} refunded`;
      return `${what} [${d.key}]: ${d.why}. Lines: ${planned(d.lines) || 'none left'}`;
    }
    case 'PlatformRefundRequested': {
      const d = event.data;
      return `refund of ${d.amount} ${d.currency} to be recorded on the platform [${d.key}], note "${d.note}": ${d.why}. Lines: ${planned(d.lines) || 'none'}`;
    }
    case 'PlatformHoldReleaseRequested':
      return `platform hold to be released [${event.data.key}]: ${event.data.why}`;
    case 'PlatformMirroringStarted':
      return `mirroring ${event.data.key}: attempt ${event.data.attempt} started`;
    case 'PlatformMirrored':
      return `mirrored ${event.data.key}${event.data.platformReference ? ` as ${event.data.platformReference}` : ''}${event.data.alreadyOnPlatform ? '; found already on the platform (an earlier attempt made it)' : ''}`;
    case 'PlatformMirroringFailed':
      return `mirroring ${event.data.key}, attempt ${event.data.attempt} failed: ${event.data.reason} (${event.data.retryable ? 'retryable' : 'will not pass by retrying'}; ${event.data.final ? 'no more automatic attempts' : `next attempt at ${event.data.nextAttemptAt}`})`;
    case 'PlatformMirroringRetryRequested':
      return `mirroring ${event.data.key} to be tried again: ${event.data.reason}`;
    case 'InventoryRestocked':
      return `inventory restocked at ${event.data.location} [${event.data.key}]: ${units(event.data.lines)}`;
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
      `${time(event.recordedAt)}  #${event.streamVersion} ${event.type.padEnd(18)} ${facts(asDomainEvent<OrderEvent>(event))}${who}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
