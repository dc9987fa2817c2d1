import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from './PageInfo';
import { Store } from './Store';

@ObjectType('StoreEdge', {
  simpleResolvers: true,
  description: 'A store in a page of stores.',
})
export class StoreEdge {
  @Field(() => String, {
    description: 'Opaque; pass as `after` to read the stores after this one.',
  })
  cursor!: string;

  @Field(() => Store, { description: 'The store.' })
  node!: Store;
}

@ObjectType('StoreConnection', {
  simpleResolvers: true,
  description: 'A page of stores, oldest first.',
})
export class StoreConnection {
  @Field(() => [StoreEdge], { description: 'The stores of this page.' })
  edges: StoreEdge[];

  @Field(() => PageInfo, { description: 'Where this page stands.' })
  pageInfo: PageInfo;

  constructor(
    edges: StoreEdge[],
    pageInfo: PageInfo,
    /** Counted only when asked for. */
    private readonly countTotal: () => Promise<number>,
  ) {
    this.edges = edges;
    this.pageInfo = pageInfo;
  }

  @Field(() => Int, { description: 'How many stores the caller may see, on every page.' })
  get totalCount(): Promise<number> {
    return this.countTotal();
  }
}
