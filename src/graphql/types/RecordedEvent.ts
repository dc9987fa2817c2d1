import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars/DateTimeScalar';
import { JsonScalar } from '../scalars/JsonScalar';

@ObjectType('RecordedEvent', {
  simpleResolvers: true,
  description:
    'A fact in the event log: what happened to a store or an order, never changed once stored.',
})
export class RecordedEvent {
  @Field(() => String, { description: 'Position in the global log; a decimal string (64-bit).' })
  globalPosition!: string;

  @Field(() => String, {
    description: 'The stream the event belongs to: store-<id> or order-<id>.',
  })
  streamId!: string;

  @Field(() => Int, { description: '0-based position of the event in its stream.' })
  streamVersion!: number;

  @Field(() => String, { description: 'What happened, in the past tense, e.g. OrderPlaced.' })
  type!: string;

  @Field(() => JsonScalar, {
    description: 'The fact itself, in the current schema version of its type.',
  })
  data!: unknown;

  @Field(() => JsonScalar, { description: 'correlationId, causationId, actor and the like.' })
  metadata!: unknown;

  @Field(() => DateTimeScalar, { description: 'When the event was stored.' })
  recordedAt!: Date;
}
