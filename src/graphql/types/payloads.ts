import { Field, ObjectType } from 'type-graphql';
import { FbtSyncRules } from './FbtSyncRules';
import { Order } from './Order';
import { Store } from './Store';
import { UserError } from './UserError';

@ObjectType('StorePayload', {
  simpleResolvers: true,
  description: 'The store after the change, or why nothing changed (userErrors).',
})
export class StorePayload {
  @Field(() => Store, {
    nullable: true,
    description:
      'The store as the change left it (read-your-writes); null when userErrors is not empty.',
  })
  store!: Store | null;

  @Field(() => [UserError], { description: 'Why nothing was written; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType('FbtSyncRulesPayload', {
  simpleResolvers: true,
  description:
    'The store and its FBT sync rules after the change, or why nothing changed (userErrors).',
})
export class FbtSyncRulesPayload {
  @Field(() => Store, {
    nullable: true,
    description:
      'The store as the change left it (read-your-writes); null when userErrors is not empty.',
  })
  store!: Store | null;

  @Field(() => FbtSyncRules, {
    nullable: true,
    description: 'The rules in force now; null when userErrors is not empty.',
  })
  fbtSyncRules!: FbtSyncRules | null;

  @Field(() => [UserError], { description: 'Why nothing was written; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType('OrderPayload', {
  simpleResolvers: true,
  description: 'The order after the change, or why nothing changed (userErrors).',
})
export class OrderPayload {
  @Field(() => Order, {
    nullable: true,
    description:
      'The order as the change left it (read-your-writes); null when userErrors is not empty.',
  })
  order!: Order | null;

  @Field(() => [UserError], { description: 'Why nothing was written; empty on success.' })
  userErrors!: UserError[];
}
