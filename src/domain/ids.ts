/** A canonical UUID (any version), as our row ids are: checked before one reaches a uuid column. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a client-given id can be a row id at all; anything else is "not found", never a database error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A report reference as we issue them (EMB-2026-0001); the number grows past four digits after 9999. */
const REFERENCE = /^EMB-\d{4}-\d{4,9}$/i;

/**
 * Whether a client-given key can be a report reference at all. Anything else (a NUL, which PostgreSQL refuses
 * in text, or a 100 KB string) is "not found" before it reaches a query.
 */
export function isReference(value: string): boolean {
  return REFERENCE.test(value);
}
