import { Field, ObjectType } from 'type-graphql';
import { UserErrorCode } from './enums';

@ObjectType('UserError', {
  simpleResolvers: true,
  description:
    'A business-rule or validation failure of a mutation. Nothing was written when a payload carries one.',
})
export class UserError {
  @Field(() => [String], {
    nullable: true,
    description: 'Path to the offending input field, e.g. ["input", "orderTag"].',
  })
  field!: string[] | null;

  @Field(() => String, { description: 'What is wrong, for a person to read.' })
  message!: string;

  @Field(() => UserErrorCode, { description: 'What kind of failure it is, for code to act on.' })
  code!: UserErrorCode;
}
