import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('ProjectionStatus', {
  simpleResolvers: true,
  description: 'A read model kept from the event log, and how far behind the log it is.',
})
export class ProjectionStatus {
  @Field(() => String, { description: 'The projection: stores, orders or inventory.' })
  name!: string;

  @Field(() => String, {
    description: 'Global position of the last event this projection has applied.',
  })
  position!: string;

  @Field(() => Int, { description: 'Events in the log after position.' })
  lag!: number;
}
