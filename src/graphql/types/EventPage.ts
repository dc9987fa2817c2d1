import { Field, ObjectType } from 'type-graphql';
import { RecordedEvent } from './RecordedEvent';

@ObjectType('EventPage', {
  simpleResolvers: true,
  description: 'A page of the global event log, in commit order.',
})
export class EventPage {
  @Field(() => [RecordedEvent], { description: 'The matching events, oldest first.' })
  events!: RecordedEvent[];

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` to read on; null when the page is empty.',
  })
  lastPosition!: string | null;

  @Field(() => Boolean, {
    description:
      'More matching events may follow lastPosition. A page is empty only when none follow (as of the read).',
  })
  hasMore!: boolean;
}
