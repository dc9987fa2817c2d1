import { Field, InputType } from 'type-graphql';
import type {
  FulfillmentType as FulfillmentTypeValue,
  OrderSyncStatus as OrderSyncStatusValue,
} from '../../domain/orderVocabulary';
import type { TikTokOrderStatus as TikTokOrderStatusValue } from '../../domain/tiktokStatus';
import { DateTimeScalar } from '../scalars/DateTimeScalar';
import {
  FulfillmentType,
  MirroringStatus,
  OrderSyncStatus,
  TikTokOrderStatus,
} from '../types/enums';

@InputType('OrderFilter', {
  description:
    'Which orders to list; every condition given must hold. An empty list matches nothing.',
})
export class OrderFilterInput {
  @Field(() => [OrderSyncStatus], { nullable: true, description: 'Any of these sync statuses.' })
  syncStatus?: OrderSyncStatusValue[] | null;

  @Field(() => [TikTokOrderStatus], {
    nullable: true,
    description: 'Any of these TikTok Shop statuses.',
  })
  tiktokStatus?: TikTokOrderStatusValue[] | null;

  @Field(() => FulfillmentType, {
    nullable: true,
    description: 'Only FBT, or only seller-fulfilled, orders.',
  })
  fulfillmentType?: FulfillmentTypeValue | null;

  @Field(() => [MirroringStatus], {
    nullable: true,
    description: 'Any of these mirroring statuses (FAILED: a mirroring that gave up).',
  })
  mirroring?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only the order with this TikTok order id.' })
  tiktokOrderId?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Placed strictly after this instant.',
  })
  placedAfter?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Placed strictly before this instant.',
  })
  placedBefore?: string | null;
}
