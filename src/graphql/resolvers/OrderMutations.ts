import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import {
  type OrderResult,
  recordTikTokOrder,
  recordTikTokOrderStatus,
  retryOrderSync,
} from '../../commands/orderCommands';
import { orderToRow } from '../../projections/orderRow';
import { commandContextOf, type GraphqlContext } from '../context';
import { requireOrderAccess, requireStoreAccess } from '../edge/access';
import {
  recordTikTokOrderCommand,
  recordTikTokOrderStatusCommand,
  retryOrderSyncCommand,
} from '../edge/orderCommandInputs';
import { withUserErrors } from '../edge/userErrors';
import {
  RecordTikTokOrderInput,
  RecordTikTokOrderStatusInput,
  RetryOrderSyncInput,
} from '../inputs/orderInputs';
import { Order } from '../types/Order';
import { OrderPayload } from '../types/payloads';

/** The payload's order is the command's folded state (read-your-writes), not the lagging read model. */
const payloadOf = ({ state, version }: OrderResult): OrderPayload => ({
  order: new Order(orderToRow(state!, version)),
  userErrors: [],
});
const failed = (userErrors: OrderPayload['userErrors']): OrderPayload => ({
  order: null,
  userErrors,
});

@Resolver()
export class OrderMutations {
  @Mutation(() => OrderPayload, {
    description: 'Record an order placed on TikTok Shop. Idempotent on (storeId, tiktokOrderId).',
  })
  recordTikTokOrder(
    @Arg('input', () => RecordTikTokOrderInput, { description: 'The order.' })
    input: RecordTikTokOrderInput,
    @Ctx() context: GraphqlContext,
  ): Promise<OrderPayload> {
    return withUserErrors(async () => {
      const command = recordTikTokOrderCommand(input);
      requireStoreAccess(context.viewer, command.storeId, ['storeId']);
      return payloadOf(await recordTikTokOrder(commandContextOf(context), command));
    }, failed);
  }

  @Mutation(() => OrderPayload, {
    description:
      'Record a TikTok Shop status change. Duplicates and stale (out-of-order) changes are no-ops. An unknown order is NOT_FOUND.',
  })
  recordTikTokOrderStatus(
    @Arg('input', () => RecordTikTokOrderStatusInput, {
      description: 'The order and its new status.',
    })
    input: RecordTikTokOrderStatusInput,
    @Ctx() context: GraphqlContext,
  ): Promise<OrderPayload> {
    return withUserErrors(async () => {
      const command = recordTikTokOrderStatusCommand(input);
      requireStoreAccess(context.viewer, command.storeId, ['storeId']);
      return payloadOf(await recordTikTokOrderStatus(commandContextOf(context), command));
    }, failed);
  }

  @Mutation(() => OrderPayload, {
    description:
      'Queue a FAILED order for another sync attempt, and try again every FAILED mirroring of a synced order (INVALID_STATE when there is neither).',
  })
  retryOrderSync(
    @Arg('input', () => RetryOrderSyncInput, { description: 'The order.' })
    input: RetryOrderSyncInput,
    @Ctx() context: GraphqlContext,
  ): Promise<OrderPayload> {
    return withUserErrors(async () => {
      const command = retryOrderSyncCommand(input);
      await requireOrderAccess(context.viewer, context.services.eventStore, command.orderId, [
        'orderId',
      ]);
      return payloadOf(await retryOrderSync(commandContextOf(context), command));
    }, failed);
  }
}
