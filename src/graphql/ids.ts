const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a row, and must not reach a uuid column as a SQL error. */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}
