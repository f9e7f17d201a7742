import type { FilterQuery } from '@mikro-orm/core';
import type { Clock } from '../../src/clock.js';
import type { Em } from '../../src/db/types.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { NoteConnection } from './connection.js';
import { Note } from './note.entity.js';
import { NoteEventType, publishNoteEvent } from './note-events.js';
import type { LivePublisher } from '../../src/realtime/live-channel.js';

/** What the writing use cases need: the time, and (with a live server) where note changes are published. */
export interface NoteDeps {
  readonly clock: Clock;
  readonly live?: LivePublisher;
}

/** Bounds on what a caller may ask for or store; beyond them the answer is BAD_USER_INPUT, never a 500. */
export const NOTE_LIMITS = { titleMax: 200, bodyMax: 20_000, firstMax: 100 } as const;

/** Why a notes use case refused: not the caller's note, or input outside the bounds (naming the argument). */
export type NoteRefusal = { reason: 'NOT_OWNER' } | { reason: 'BAD_INPUT'; field: string; message: string };
export type NoteResult<T> = { ok: true; value: T } | ({ ok: false } & NoteRefusal);

/** Who acts: the caller's id, and whether an ADMIN rule applies (delete). */
export interface NoteActor {
  readonly userId: string;
  readonly admin: boolean;
}

const badInput = (field: string, message: string): NoteResult<never> => ({
  ok: false,
  reason: 'BAD_INPUT',
  field,
  message,
});

/**
 * One page of a user's notes, newest first: (createdAt desc, id desc) is a total order, so a page boundary never
 * skips or repeats a note even when several share a timestamp. One query: it asks for one row more than the page
 * to learn `hasNextPage`, instead of counting.
 */
export async function listNotes(
  em: Em,
  ownerId: string,
  page: { readonly first: number; readonly after: string | null },
): Promise<NoteResult<NoteConnection>> {
  const { first, after } = page;
  if (!Number.isInteger(first) || first < 1 || first > NOTE_LIMITS.firstMax) {
    return badInput('first', `first must be between 1 and ${NOTE_LIMITS.firstMax}`);
  }
  const from = after === null ? null : decodeCursor(after);
  if (after !== null && !from) return badInput('after', 'Not a cursor of this connection');
  const where: FilterQuery<Note> = from
    ? {
        ownerId,
        $or: [{ createdAt: { $lt: from.createdAt } }, { createdAt: from.createdAt, id: { $lt: from.id } }],
      }
    : { ownerId };
  const rows = await em.find(Note, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: first + 1 });
  const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    ok: true,
    value: {
      edges,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    },
  };
}

/** Characters as a reader counts them (code points), not UTF-16 units. */
const length = (text: string) => [...text].length;

function checkText(input: { readonly title?: string; readonly body?: string }): NoteResult<never> | null {
  if (
    input.title !== undefined &&
    (input.title.trim() === '' || length(input.title) > NOTE_LIMITS.titleMax)
  ) {
    return badInput('title', `A title has 1 to ${NOTE_LIMITS.titleMax} characters`);
  }
  if (input.body !== undefined && length(input.body) > NOTE_LIMITS.bodyMax) {
    return badInput('body', `A body has at most ${NOTE_LIMITS.bodyMax} characters`);
  }
  return null;
}

/** Creates a note owned by the caller; `noteChanged` subscribers hear it once it is committed. */
export async function createNote(
  deps: NoteDeps,
  em: Em,
  ownerId: string,
  input: { readonly title: string; readonly body: string },
): Promise<NoteResult<Note>> {
  const refused = checkText(input);
  if (refused) return refused;
  const now = deps.clock.now();
  const note = em.create(Note, {
    ownerId,
    title: input.title,
    body: input.body,
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  await publishNoteEvent(deps, em, {
    type: NoteEventType.CREATED,
    noteId: note.id,
    ownerId,
    title: note.title,
  });
  return { ok: true, value: note };
}

/** Changes a note's title and/or body: its owner only (an ADMIN may read and delete, not rewrite, a user's note). */
export async function updateNote(
  deps: NoteDeps,
  em: Em,
  actor: NoteActor,
  input: { readonly id: string; readonly title?: string; readonly body?: string },
): Promise<NoteResult<Note>> {
  const refused = checkText(input);
  if (refused) return refused;
  const note = await em.findOne(Note, { id: input.id });
  if (!note) return badInput('id', 'No such note');
  if (note.ownerId !== actor.userId) return { ok: false, reason: 'NOT_OWNER' };
  if (input.title !== undefined) note.title = input.title;
  if (input.body !== undefined) note.body = input.body;
  note.updatedAt = deps.clock.now();
  await em.flush();
  const event = { type: NoteEventType.UPDATED, noteId: note.id, ownerId: note.ownerId, title: note.title };
  await publishNoteEvent(deps, em, event);
  return { ok: true, value: note };
}

/** Deletes a note: its owner or an ADMIN. */
export async function deleteNote(
  deps: NoteDeps,
  em: Em,
  actor: NoteActor,
  id: string,
): Promise<NoteResult<true>> {
  const note = await em.findOne(Note, { id });
  if (!note) return badInput('id', 'No such note');
  if (note.ownerId !== actor.userId && !actor.admin) return { ok: false, reason: 'NOT_OWNER' };
  await em.remove(note).flush();
  await publishNoteEvent(deps, em, {
    type: NoteEventType.DELETED,
    noteId: id,
    ownerId: note.ownerId,
    title: null,
  });
  return { ok: true, value: true };
}
