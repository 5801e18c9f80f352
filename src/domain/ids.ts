/** A canonical UUID (any version), as our row ids are: checked before one reaches a uuid column. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a client-given id can be a row id at all; anything else is "not found", never a database error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
