import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DEFAULT_EVENT_PAGE_SIZE, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination/pageSize';
import { OrderFilterInput } from '../inputs/OrderFilterInput';

const afterDescription = "Read on after this cursor (a previous page's endCursor).";

@ArgsType()
export class StoresArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many stores, 0 to ${MAX_PAGE_SIZE}.`,
  })
  first!: number | null;

  @Field(() => String, { nullable: true, description: afterDescription })
  after?: string | null;
}

@ArgsType()
export class OrdersArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many orders, 0 to ${MAX_PAGE_SIZE}.`,
  })
  first!: number | null;

  @Field(() => String, { nullable: true, description: afterDescription })
  after?: string | null;

  @Field(() => OrderFilterInput, { nullable: true, description: 'Only the orders that match.' })
  filter?: OrderFilterInput | null;
}

@ArgsType()
export class EventsArgs {
  @Field(() => String, {
    nullable: true,
    description:
      "Read after this event: a global position (a previous page's lastPosition) or an event's checkpoint (RecordedEvent.checkpoint, as `fbt-sync export` prints it). From the start when omitted.",
  })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_EVENT_PAGE_SIZE,
    description: `How many events, 1 to ${MAX_PAGE_SIZE}.`,
  })
  first!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only the events of this stream (store-<id> or order-<id>).',
  })
  streamId?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Only events of these types, e.g. ["OrderSynced"]; an empty list matches nothing.',
  })
  types?: string[] | null;
}

@ArgsType()
export class OrderByTikTokIdArgs {
  @Field(() => ID, { description: 'The store.' })
  storeId!: string;

  @Field(() => String, { description: "TikTok Shop's order id." })
  tiktokOrderId!: string;
}
