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

/**
 * Writes a transaction makes last, all at once, just before it commits (the audit chain's append). Deferring
 * them lets a write that needs a global lock take it at the very end and hold it only until the commit.
 */
export interface FinalWrite<T> {
  readonly name: string;
  /** Receives every item the transaction deferred, in the order they were deferred; runs inside it. */
  readonly write: (tx: Tx, items: T[]) => Promise<void>;
}

/** What one transaction or savepoint has deferred; a savepoint's items join its parent's only if it succeeds. */
interface Scope {
  parent: Scope | null;
  final: Map<FinalWrite<never>, unknown[]>;
  /** Values read once per transaction (settings), shared by its savepoints. */
  memo: Map<string, Promise<unknown>>;
  closed: boolean;
}

const scopes = new WeakMap<object, Scope>();

function scopeOf(tx: Db, what: string): Scope {
  const scope = scopes.get(tx);
  if (!scope) throw new Error(`${what} needs a transaction opened with transaction() or savepoint()`);
  if (scope.closed) throw new Error(`${what} came after its transaction or savepoint had finished`);
  return scope;
}

/** Runs fn in one transaction, then the final writes it deferred, then commits; the only way to obtain a Tx. */
export function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (raw) => {
    const tx = raw as unknown as Tx;
    const scope: Scope = { parent: null, final: new Map(), memo: new Map(), closed: false };
    scopes.set(tx, scope);
    try {
      const result = await fn(tx);
      scope.closed = true;
      for (const [final, items] of scope.final) await final.write(tx, items as never[]);
      return result;
    } finally {
      scope.closed = true;
    }
  });
}

/**
 * Runs fn in a savepoint of an open transaction: its failure rolls back only what fn wrote, including the final
 * writes it deferred.
 */
export async function savepoint<T>(tx: Tx, fn: (sp: Tx) => Promise<T>): Promise<T> {
  const parent = scopeOf(tx, "savepoint()");
  const scope: Scope = { parent, final: new Map(), memo: parent.memo, closed: false };
  try {
    const result = await tx.transaction((sp) => {
      scopes.set(sp, scope);
      return fn(sp as unknown as Tx);
    });
    scope.closed = true;
    for (const [final, items] of scope.final) listOf(parent, final).push(...(items as never[]));
    return result;
  } catch (error) {
    // A value read or written inside the rolled-back savepoint may no longer be what the transaction sees.
    parent.memo.clear();
    throw error;
  } finally {
    scope.closed = true;
  }
}

function listOf<T>(scope: Scope, final: FinalWrite<T>): T[] {
  const key = final as unknown as FinalWrite<never>;
  let list = scope.final.get(key);
  if (!list) {
    list = [];
    scope.final.set(key, list);
  }
  return list as T[];
}

/** Defers item to the end of tx's transaction (or drops it with tx's savepoint if that rolls back). */
export function deferFinalWrite<T>(tx: Tx, final: FinalWrite<T>, item: T): void {
  listOf(scopeOf(tx, final.name), final).push(item);
}

/**
 * Reads a value once per transaction: later calls in the same transaction (or its savepoints) get the first
 * read. Outside a transaction it reads every time. Whoever writes the value calls forgetInTransaction.
 */
export function onceInTransaction<T>(db: Db, key: string, read: () => Promise<T>): Promise<T> {
  const scope = scopes.get(db);
  if (!scope || scope.closed) return read();
  const remembered = scope.memo.get(key) as Promise<T> | undefined;
  if (remembered) return remembered;
  const value = read();
  scope.memo.set(key, value);
  value.catch(() => {
    if (scope.memo.get(key) === value) scope.memo.delete(key);
  });
  return value;
}

/** Drops what onceInTransaction remembered under key, after the transaction wrote it. */
export function forgetInTransaction(tx: Db, key: string): void {
  scopes.get(tx)?.memo.delete(key);
}
