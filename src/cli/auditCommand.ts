import type { Logger } from 'pino';
import type { Config } from '../config';
import { orderStreamId } from '../domain/eventCatalog';
import { orderIdFor } from '../commands/ids';
import { formatOrderHistory } from './orderHistory';
import { withDatabase } from './withDatabase';

export class OrderNotFound extends Error {}

/** `fbt-sync audit ORDER_ID`: the order's history, readable. Also takes STORE_ID/TIKTOK_ORDER_ID. */
export async function auditCommand(config: Config, log: Logger, reference: string): Promise<void> {
  const [storeId, tiktokOrderId] = reference.split('/');
  const orderId = tiktokOrderId === undefined ? reference : orderIdFor(storeId!, tiktokOrderId);
  await withDatabase(config, log, async ({ eventStore }) => {
    const { events } = await eventStore.readStream(orderStreamId(orderId));
    if (events.length === 0) throw new OrderNotFound(`no order ${reference}`);
    process.stdout.write(formatOrderHistory(orderId, events));
  });
}
