import { isUuid } from '../../src/graphql/ids.js';

/** A position in the (createdAt desc, id desc) order: the last note a page ended on. */
export interface NotePosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** Opaque to clients: base64url of `[ISO time, id]`, so the order can change without breaking their code. */
export function encodeCursor(position: NotePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

/** The position a cursor names, or null when it is not one of ours (the caller answers BAD_USER_INPUT). */
export function decodeCursor(cursor: string): NotePosition | null {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [time, id] = value as unknown[];
  if (typeof time !== 'string' || !isUuid(id)) return null;
  const createdAt = new Date(time);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== time) return null;
  return { createdAt, id };
}
