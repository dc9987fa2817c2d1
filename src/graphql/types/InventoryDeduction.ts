import { Field, Int, ObjectType } from 'type-graphql';
import { InventoryLocation } from './enums';

@ObjectType('InventoryDeduction', {
  simpleResolvers: true,
  description:
    "Units of one SKU deducted from one inventory by the store's synced orders, in total.",
})
export class InventoryDeduction {
  @Field(() => String, { description: 'The SKU.' })
  sku!: string;

  @Field(() => InventoryLocation, { description: 'Whose inventory the units were deducted from.' })
  location!: string;

  @Field(() => Int, { description: 'Units deducted, in total.' })
  quantity!: number;
}
