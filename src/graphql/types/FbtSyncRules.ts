import { Field, ObjectType } from 'type-graphql';
import type { FbtSyncMode as FbtSyncModeValue } from '../../domain/storeVocabulary';
import { DateTimeScalar } from '../scalars/DateTimeScalar';
import { FbtSyncMode } from './enums';

@ObjectType('FbtSyncRules', {
  simpleResolvers: true,
  description:
    "The store's rules for orders Fulfilled by TikTok. They apply to orders placed after they change.",
})
export class FbtSyncRules {
  @Field(() => FbtSyncMode, { description: 'How FBT orders reach the platform.' })
  mode!: FbtSyncModeValue;

  @Field(() => String, {
    nullable: true,
    description: 'Tag put on FBT orders on Shopify; null means no tag.',
  })
  orderTag!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the rules last changed (or were reset); null while they are the original default.',
  })
  updatedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "Who made the last change (the token's subject).",
  })
  updatedBy!: string | null;
}
