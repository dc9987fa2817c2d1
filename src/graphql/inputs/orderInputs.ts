import { Field, ID, InputType, Int } from 'type-graphql';
import type { FulfillmentType as FulfillmentTypeValue } from '../../domain/orderVocabulary';
import type { TikTokOrderStatus as TikTokOrderStatusValue } from '../../domain/tiktokStatus';
import { DateTimeScalar } from '../scalars/DateTimeScalar';
import { DecimalScalar } from '../scalars/DecimalScalar';
import { FulfillmentType, TikTokOrderStatus } from '../types/enums';

@InputType('LineItemInput', { description: 'One product line of a TikTok Shop order.' })
export class LineItemInput {
  @Field(() => String, { description: 'The seller SKU, 1 to 100 printable characters.' })
  sku!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The product title, at most 255 characters.',
  })
  title?: string | null;

  @Field(() => Int, { description: 'Units ordered, 1 to 10,000.' })
  quantity!: number;

  @Field(() => DecimalScalar, {
    description: "Price of one unit: non-negative, at most the currency's decimal places.",
  })
  unitPrice!: string;
}

@InputType('RecordTikTokOrderInput', { description: 'An order as TikTok Shop reports it.' })
export class RecordTikTokOrderInput {
  @Field(() => ID, { description: 'The store it was placed in.' })
  storeId!: string;

  @Field(() => String, {
    description: "TikTok Shop's order id: 1 to 64 letters, digits, dashes or underscores.",
  })
  tiktokOrderId!: string;

  @Field(() => FulfillmentType, { description: 'Who ships it.' })
  fulfillmentType!: FulfillmentTypeValue;

  @Field(() => TikTokOrderStatus, { description: 'Its status on TikTok Shop now.' })
  status!: TikTokOrderStatusValue;

  @Field(() => [LineItemInput], { description: '1 to 250 product lines.' })
  lineItems!: LineItemInput[];

  @Field(() => String, { description: 'ISO 4217, e.g. USD.' })
  currency!: string;

  @Field(() => DateTimeScalar, { description: 'When the buyer placed it.' })
  placedAt!: string;
}

@InputType('RecordTikTokOrderStatusInput', { description: 'A status change TikTok Shop reported.' })
export class RecordTikTokOrderStatusInput {
  @Field(() => ID, { description: 'The store of the order.' })
  storeId!: string;

  @Field(() => String, { description: "TikTok Shop's order id." })
  tiktokOrderId!: string;

  @Field(() => TikTokOrderStatus, { description: 'The new status.' })
  status!: TikTokOrderStatusValue;

  @Field(() => DateTimeScalar, { description: 'When TikTok Shop says it changed.' })
  changedAt!: string;
}

@InputType('RetryOrderSyncInput', { description: 'A FAILED order to sync again.' })
export class RetryOrderSyncInput {
  @Field(() => ID, { description: 'The order.' })
  orderId!: string;
}
