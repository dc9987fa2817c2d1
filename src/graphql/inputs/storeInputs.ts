import { Field, ID, InputType, Int } from 'type-graphql';
import type {
  EcommercePlatform as EcommercePlatformValue,
  FbtSyncMode as FbtSyncModeValue,
  OnHoldOrders as OnHoldOrdersValue,
  Plan as PlanValue,
} from '../../domain/storeVocabulary';
import { EcommercePlatform, FbtSyncMode, OnHoldOrders, Plan } from '../types/enums';

const expectedVersionDescription =
  "When given, the change is refused with VERSION_CONFLICT unless the store's stream is at this version.";

@InputType('ConnectStoreInput', {
  description: 'A TikTok Shop to connect to an e-commerce platform.',
})
export class ConnectStoreInput {
  @Field(() => String, { description: "The store's name, 1 to 200 characters." })
  name!: string;

  @Field(() => String, {
    description: "The TikTok Shop's shop id: 1 to 64 letters, digits, dots, dashes or underscores.",
  })
  tiktokShopId!: string;

  @Field(() => EcommercePlatform, { description: 'The platform to sync its orders into.' })
  platform!: EcommercePlatformValue;

  @Field(() => Plan, { description: "The store's plan." })
  plan!: PlanValue;

  @Field(() => String, { nullable: true, description: 'Required when platform is SHOPIFY.' })
  shopDomain?: string | null;
}

@InputType('ChangeStorePlanInput', { description: "A store's new plan." })
export class ChangeStorePlanInput {
  @Field(() => ID, { description: 'The store.' })
  storeId!: string;

  @Field(() => Plan, { description: 'The new plan.' })
  plan!: PlanValue;

  @Field(() => Int, { nullable: true, description: expectedVersionDescription })
  expectedVersion?: number | null;
}

@InputType('UpdateFbtSyncRulesInput', {
  description: "A store's new FBT sync rules (replacing the old).",
})
export class UpdateFbtSyncRulesInput {
  @Field(() => ID, { description: 'The store.' })
  storeId!: string;

  @Field(() => FbtSyncMode, {
    description: 'How FBT orders placed from now on reach the platform.',
  })
  mode!: FbtSyncModeValue;

  @Field(() => String, {
    nullable: true,
    description: 'Shopify only; 1-40 characters, no commas; null clears the tag.',
  })
  orderTag?: string | null;

  @Field(() => Int, { nullable: true, description: expectedVersionDescription })
  expectedVersion?: number | null;
}

@InputType('UpdateOrderSettingsInput', {
  description: "A store's new order settings (every plan), for orders placed afterwards.",
})
export class UpdateOrderSettingsInput {
  @Field(() => ID, { description: 'The store.' })
  storeId!: string;

  @Field(() => OnHoldOrders, { description: 'How paid orders in ON_HOLD are treated.' })
  onHoldOrders!: OnHoldOrdersValue;

  @Field(() => Boolean, {
    description:
      "Whether completed returns go back into the platform's stock where it was deducted.",
  })
  restockReturns!: boolean;

  @Field(() => Int, { nullable: true, description: expectedVersionDescription })
  expectedVersion?: number | null;
}
