import { Field, ObjectType } from 'type-graphql';

@ObjectType('PageInfo', {
  simpleResolvers: true,
  description: 'Where a page of a connection stands in the whole list.',
})
export class PageInfo {
  @Field(() => Boolean, { description: 'More items follow endCursor.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, {
    description:
      'Items come before startCursor: true when the page was read with `after` (pages only go forward).',
  })
  hasPreviousPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The first edge's cursor; null for an empty page.",
  })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The last edge's cursor, to pass as `after` for the next page; null for an empty page.",
  })
  endCursor!: string | null;
}
