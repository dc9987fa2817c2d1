import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars/DateTimeScalar';
import { JsonScalar } from '../scalars/JsonScalar';

@ObjectType('RecordedEvent', {
  simpleResolvers: true,
  description:
    'A fact in the event log: what happened to a store or an order, never changed once stored.',
})
export class RecordedEvent {
  @Field(() => String, {
    description:
      "The event's unique position in the global log; a decimal string (64-bit). Positions rise within a stream and between transactions that do not overlap; two transactions that overlap may commit out of position order, so the log is read in commit order (see checkpoint), not by comparing positions.",
  })
  globalPosition!: string;

  @Field(() => String, {
    description:
      "Opaque, ordered cursor of this event in the log's commit order; pass it as events(after:) to read on from here.",
  })
  checkpoint!: string;

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
