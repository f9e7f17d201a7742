import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { Auth } from '../../src/authz/decorators.js';
import { hasAnyRole, Role } from '../../src/authz/role.js';
import type { GraphQLContext } from '../../src/graphql/context.js';
import { AuthReason, badUserInput, forbidden } from '../../src/graphql/errors.js';
import { isUuid } from '../../src/graphql/ids.js';
import type { ModuleDeps } from '../../src/module.js';
import { User } from '../../src/users/user.entity.js';
import { NoteConnection } from './connection.js';
import { Note } from './note.entity.js';
import { createNote, deleteNote, listNotes, updateNote, type NoteActor, type NoteResult } from './notes.js';
import { ownerLoaders } from './owner-loader.js';
import { auditDenial } from '../../src/audit/audit-denial.js';
import type { AuthzContext } from '../../src/authz/enforce.js';
import { NOTE_CHANGED, NoteEvent, type HeardNoteEvent } from './note-events.js';

/** The notes API: thin adapters from arguments to the use cases in notes.ts, and their results to GraphQL. */
@Resolver(() => Note)
export class NotesResolver {
  private readonly owners = ownerLoaders();

  constructor(private readonly deps: ModuleDeps) {}

  @Auth()
  @Query(() => NoteConnection, { nullable: true, description: "The caller's notes, newest first." })
  async myNotes(
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<NoteConnection> {
    return answer(await listNotes(ctx.em, ctx.viewer!.userId, { first: first ?? 20, after: after ?? null }));
  }

  @Auth({ requires: [Role.ADMIN] })
  @Query(() => NoteConnection, { nullable: true, description: "A user's notes, newest first (ADMIN)." })
  async notesOf(
    @Arg('userId', () => ID) userId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<NoteConnection> {
    if (!isUuid(userId)) throw badUserInput('No such user', 'userId');
    return answer(await listNotes(ctx.em, userId, { first: first ?? 20, after: after ?? null }));
  }

  /** Any user may ask; the owner-or-ADMIN rule on the Note type decides what they get. */
  @Auth()
  @Query(() => Note, {
    nullable: true,
    description: 'A note, to its owner or an ADMIN; null if there is none.',
  })
  note(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Note | null> | null {
    return isUuid(id) ? ctx.em.findOne(Note, { id }) : null;
  }

  // Writing content needs a proved address (DESIGN §6.5): an account made with someone else's address cannot.
  @Auth({ verified: true })
  @Mutation(() => Note, { nullable: true })
  async createNote(
    @Arg('title', () => String) title: string,
    @Arg('body', () => String) body: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Note> {
    return answer(await createNote(this.deps, ctx.em, ctx.viewer!.userId, { title, body }));
  }

  @Auth()
  @Mutation(() => Note, { nullable: true, description: 'Its owner only.' })
  async updateNote(
    @Arg('id', () => ID) id: string,
    @Arg('title', () => String, { nullable: true }) title: string | null,
    @Arg('body', () => String, { nullable: true }) body: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Note> {
    const input = { id: checkedId(id), title: title ?? undefined, body: body ?? undefined };
    return this.owned(ctx, 'Mutation.updateNote', await updateNote(this.deps, ctx.em, actorOf(ctx), input));
  }

  @Auth()
  @Mutation(() => Boolean, { nullable: true, description: 'Its owner or an ADMIN.' })
  async deleteNote(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.owned(
      ctx,
      'Mutation.deleteNote',
      await deleteNote(this.deps, ctx.em, actorOf(ctx), checkedId(id)),
    );
  }

  /**
   * Changes of the notes the caller may read: their own, or any as an ADMIN. The filter reads the socket's viewer
   * as it is at each event (a role lost meanwhile stops the others' notes at once).
   */
  @Auth()
  @Subscription(() => NoteEvent, {
    topics: NOTE_CHANGED,
    filter: ({ payload, context }: { payload: HeardNoteEvent; context: AuthzContext }) =>
      context.viewer !== null &&
      (payload.ownerId === context.viewer.userId || hasAnyRole(context.viewer.roles, [Role.ADMIN])),
    description: 'Changes of the notes the caller may read (their own; every note for an ADMIN).',
  })
  noteChanged(@Root() event: HeardNoteEvent): NoteEvent {
    return { type: event.type, noteId: event.noteId, title: event.title, at: new Date(event.at) };
  }

  /** Batched per request (owner-loader.ts): a page of 50 notes costs one query for all their owners. */
  @FieldResolver(() => User, { nullable: true })
  owner(@Root() note: Note, @Ctx() ctx: GraphQLContext): Promise<User | null> {
    return this.owners(ctx.em).load(note.ownerId);
  }

  /**
   * An ownership check made inside a use case (it needs the row) is audited like a directive's denial, so the
   * audit log shows every NOT_OWNER, wherever it was decided.
   */
  private owned<T>(ctx: GraphQLContext, coordinate: string, result: NoteResult<T>): T {
    if (!result.ok && result.reason === 'NOT_OWNER') {
      auditDenial(
        { audit: this.deps.audit, em: ctx.em.fork() },
        ctx.viewer!,
        ctx.meta,
        coordinate,
        'NOT_OWNER',
      );
    }
    return answer(result);
  }
}

function checkedId(id: string): string {
  if (!isUuid(id)) throw badUserInput('No such note', 'id');
  return id;
}

function actorOf(ctx: GraphQLContext): NoteActor {
  return { userId: ctx.viewer!.userId, admin: hasAnyRole(ctx.viewer!.roles, [Role.ADMIN]) };
}

function answer<T>(result: NoteResult<T>): T {
  if (result.ok) return result.value;
  if (result.reason === 'NOT_OWNER') throw forbidden(AuthReason.NOT_OWNER);
  throw badUserInput(result.message, result.field);
}
