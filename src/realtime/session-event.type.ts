import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { SessionEventType } from '../sessions/session-events.js';

registerEnumType(SessionEventType, {
  name: 'SessionEventType',
  description: 'What happened to the account.',
});

/** One event of the caller's own account, as `sessionEvents` delivers it. */
@ObjectType('SessionEvent')
export class SessionEvent {
  @Field(() => SessionEventType)
  type!: SessionEventType;

  @Field(() => ID, { nullable: true, description: 'The session it concerns; null for the whole account.' })
  sessionId!: string | null;

  @Field(() => Date)
  at!: Date;
}
