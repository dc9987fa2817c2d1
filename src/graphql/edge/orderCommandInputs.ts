import type { RecordTikTokOrderInput as RecordTikTokOrderCommand } from '../../commands/orderCommands';
import { Problems } from '../../domain/domainError';
import type { TikTokOrderStatus } from '../../domain/tiktokStatus';
import type {
  RecordTikTokOrderInput,
  RecordTikTokOrderStatusInput,
  RetryOrderSyncInput,
} from '../inputs/orderInputs';
import { checkCurrency, checkDecimal, checkId, checkInstant } from './inputChecks';

/** More than the domain allows (250), so its message decides; fewer than a 1 MiB body could carry. */
const MAX_LINE_ITEMS_READ = 1000;

/** The inputs as the order commands take them; a DomainError (INVALID_INPUT) when the edge refuses them. */
export function recordTikTokOrderCommand(input: RecordTikTokOrderInput): RecordTikTokOrderCommand {
  const problems = new Problems();
  checkId(problems, ['storeId'], input.storeId);
  checkId(problems, ['tiktokOrderId'], input.tiktokOrderId);
  checkCurrency(problems, ['currency'], input.currency);
  const placedAt = checkInstant(problems, ['placedAt'], input.placedAt);
  if (input.lineItems.length > MAX_LINE_ITEMS_READ)
    problems.invalid(
      ['lineItems'],
      `an order has 1 to 250 line items, got ${input.lineItems.length}`,
    );
  const lineItems = input.lineItems.slice(0, MAX_LINE_ITEMS_READ).map((item, index) => {
    checkDecimal(problems, ['lineItems', String(index), 'unitPrice'], item.unitPrice);
    return {
      sku: item.sku,
      title: item.title ?? null,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
    };
  });
  problems.throwIfAny();
  return {
    storeId: input.storeId,
    tiktokOrderId: input.tiktokOrderId,
    fulfillmentType: input.fulfillmentType,
    status: input.status,
    lineItems,
    currency: input.currency,
    placedAt,
  };
}

export function recordTikTokOrderStatusCommand(input: RecordTikTokOrderStatusInput): {
  storeId: string;
  tiktokOrderId: string;
  status: TikTokOrderStatus;
  changedAt: string;
} {
  const problems = new Problems();
  checkId(problems, ['storeId'], input.storeId);
  checkId(problems, ['tiktokOrderId'], input.tiktokOrderId);
  const changedAt = checkInstant(problems, ['changedAt'], input.changedAt);
  problems.throwIfAny();
  return {
    storeId: input.storeId,
    tiktokOrderId: input.tiktokOrderId,
    status: input.status,
    changedAt,
  };
}

export function retryOrderSyncCommand(input: RetryOrderSyncInput): { orderId: string } {
  const problems = new Problems();
  checkId(problems, ['orderId'], input.orderId);
  problems.throwIfAny();
  return { orderId: input.orderId };
}
