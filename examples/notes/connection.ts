import { Field, ObjectType } from 'type-graphql';
import { Note } from './note.entity.js';

/** Relay's PageInfo (https://relay.dev/graphql/connections.htm): forward pagination only. */
@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  /** Always false: these connections page forward only (`first`/`after`). */
  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('NoteEdge')
export class NoteEdge {
  @Field(() => String)
  cursor!: string;

  /** Nullable because a note can be denied (owner or ADMIN): a denial nulls this note, not the whole page. */
  @Field(() => Note, { nullable: true })
  node!: Note;
}

@ObjectType('NoteConnection')
export class NoteConnection {
  @Field(() => [NoteEdge])
  edges!: NoteEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
