import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('OrderCounts', {
  simpleResolvers: true,
  description:
    "How many of the store's orders are in each sync status (the Orders section's tabs).",
})
export class OrderCounts {
  @Field(() => Int, { description: 'Orders PENDING.' })
  pending!: number;

  @Field(() => Int, { description: 'Orders BLOCKED, waiting for AWAITING_COLLECTION.' })
  blocked!: number;

  @Field(() => Int, { description: 'Orders SYNCED.' })
  synced!: number;

  @Field(() => Int, { description: 'Orders FAILED.' })
  failed!: number;

  @Field(() => Int, { description: 'Orders CANCELLED before they were synced.' })
  cancelled!: number;
}
