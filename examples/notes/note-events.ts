import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Clock } from '../../src/clock.js';
import type { Em } from '../../src/db/types.js';
import type { LivePublisher } from '../../src/realtime/live-channel.js';

/** The PubSub topic of note changes; subscribers filter it to the notes they may read. */
export const NOTE_CHANGED = 'NOTE_CHANGED';

export enum NoteEventType {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DELETED = 'DELETED',
}
registerEnumType(NoteEventType, { name: 'NoteEventType' });

/** What a `noteChanged` subscriber receives: which note, what happened, and its title (null once deleted). */
@ObjectType('NoteEvent')
export class NoteEvent {
  @Field(() => NoteEventType)
  type!: NoteEventType;

  @Field(() => ID)
  noteId!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => Date)
  at!: Date;
}

/** A note change as it travels on the live channel: the owner decides who may hear it. */
export interface HeardNoteEvent {
  readonly type: NoteEventType;
  readonly noteId: string;
  readonly ownerId: string;
  readonly title: string | null;
  readonly at: string;
}

/** Publishes a committed change of a note to every instance's `noteChanged` subscribers. */
export async function publishNoteEvent(
  deps: { readonly clock: Clock; readonly live?: LivePublisher },
  em: Em,
  event: Omit<HeardNoteEvent, 'at'>,
): Promise<void> {
  await deps.live?.publish(em, {
    topic: NOTE_CHANGED,
    payload: { ...event, at: deps.clock.now().toISOString() },
  });
}
