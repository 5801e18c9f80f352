import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "../db/schema.ts";

export type Schema = typeof schema;

/** The database or an open transaction: reads accept either, so services decide the transaction boundary. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

declare const inTransaction: unique symbol;

/**
 * An open transaction. Writes that must commit together (audit events, queued jobs and mail, repo writes) take a
 * Tx, so handing them the global handle is a compile error: on PGlite that handle would wait for the open
 * transaction and deadlock it, and on PostgreSQL the write would escape the transaction's rollback.
 */
export type Tx = Db & { readonly [inTransaction]: true };

/** Runs fn in one transaction; the only way to obtain a Tx. */
export function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Tx));
}

/** Runs fn in a savepoint of an open transaction: its failure rolls back only what fn wrote. */
export function savepoint<T>(tx: Tx, fn: (sp: Tx) => Promise<T>): Promise<T> {
  return tx.transaction((sp) => fn(sp as unknown as Tx));
}
