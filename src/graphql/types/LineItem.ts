import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../scalars/DecimalScalar';

@ObjectType('LineItem', {
  simpleResolvers: true,
  description: 'One product line of an order.',
})
export class LineItem {
  @Field(() => String, { description: "The product's SKU (seller SKU), as on the platform." })
  sku!: string;

  @Field(() => String, {
    nullable: true,
    description: "The product's title on TikTok Shop, if given.",
  })
  title!: string | null;

  @Field(() => Int, { description: 'Units ordered, 1 to 10,000.' })
  quantity!: number;

  @Field(() => DecimalScalar, { description: "Price of one unit, in the order's currency." })
  unitPrice!: string;
}
