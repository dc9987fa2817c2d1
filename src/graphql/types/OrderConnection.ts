import { Field, Int, ObjectType } from 'type-graphql';
import { Order } from './Order';
import { PageInfo } from './PageInfo';

@ObjectType('OrderEdge', {
  simpleResolvers: true,
  description: 'An order in a page of orders.',
})
export class OrderEdge {
  @Field(() => String, {
    description: 'Opaque; pass as `after` to read the orders after this one.',
  })
  cursor!: string;

  @Field(() => Order, { description: 'The order.' })
  node!: Order;
}

@ObjectType('OrderConnection', {
  simpleResolvers: true,
  description: "A page of a store's orders, newest first (placedAt descending, then id).",
})
export class OrderConnection {
  @Field(() => [OrderEdge], { description: 'The orders of this page.' })
  edges: OrderEdge[];

  @Field(() => PageInfo, { description: 'Where this page stands.' })
  pageInfo: PageInfo;

  constructor(
    edges: OrderEdge[],
    pageInfo: PageInfo,
    /** Counted only when asked for. */
    private readonly countTotal: () => Promise<number>,
  ) {
    this.edges = edges;
    this.pageInfo = pageInfo;
  }

  @Field(() => Int, {
    description:
      'How many orders match the filter, on every page. Without a filter, or filtering by syncStatus only, it comes from the kept counts and costs nothing.',
  })
  get totalCount(): Promise<number> {
    return this.countTotal();
  }
}
