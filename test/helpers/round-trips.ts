import { AsyncLocalStorage } from "node:async_hooks";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/**
 * Counts the statements one call sends to the database, on either engine, by wrapping the drivers themselves:
 * node-postgres' Pool.query and Client.query (a transaction's connection), and PGlite's query, exec and
 * transaction (whose BEGIN and COMMIT are sent inside PGlite and counted here too). Only statements sent from
 * inside `count(fn)`'s async context are recorded, so the job queue's polling in the background is not.
 * Pool.query is recorded where it is called: it hands its statement on to a Client.query with a callback,
 * possibly from another request's context once a connection comes free, and that second call is not counted.
 */
export function roundTripCounter() {
  const context = new AsyncLocalStorage<string[]>();
  const record = (text: unknown) => {
    const sent = context.getStore();
    if (!sent) return;
    const sql = typeof text === "string" ? text : (text as { text?: string } | undefined)?.text;
    sent.push(String(sql).replace(/\s+/g, " ").trim());
  };

  const pgQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (typeof args.at(-1) !== "function") record(args[0]);
    return (pgQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pgQuery;
  const poolQuery = pg.Pool.prototype.query;
  pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
    record(args[0]);
    return (poolQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof poolQuery;

  type Lite = {
    query(...args: unknown[]): Promise<unknown>;
    exec(...args: unknown[]): Promise<unknown>;
    transaction(fn: (tx: Lite) => Promise<unknown>): Promise<unknown>;
  };
  const proto = PGlite.prototype as unknown as Lite;
  const { query, exec, transaction } = proto;
  proto.query = function (this: Lite, ...args) {
    record(args[0]);
    return query.apply(this, args);
  };
  proto.exec = function (this: Lite, ...args) {
    record(args[0]);
    return exec.apply(this, args);
  };
  proto.transaction = function (this: Lite, fn) {
    record("BEGIN");
    let open = true;
    return transaction
      .call(this, (tx: Lite) =>
        fn({
          ...tx,
          query: (...args: unknown[]) => {
            record(args[0]);
            return tx.query(...args);
          },
          exec: (...args: unknown[]) => {
            record(args[0]);
            return tx.exec(...args);
          },
          rollback: async () => {
            open = false;
            record("ROLLBACK");
            return (tx as unknown as { rollback(): Promise<unknown> }).rollback();
          },
        } as Lite),
      )
      .then(
        (result) => {
          if (open) record("COMMIT");
          return result;
        },
        (error: unknown) => {
          if (open) record("ROLLBACK");
          throw error;
        },
      );
  };

  return {
    /** Runs fn and lists every statement it sent, in order. */
    async count<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
      const statements: string[] = [];
      const result = await context.run(statements, fn);
      return { result, statements };
    },
    /** Puts the drivers back as they were. */
    restore() {
      pg.Client.prototype.query = pgQuery;
      pg.Pool.prototype.query = poolQuery;
      Object.assign(proto, { query, exec, transaction });
    },
  };
}
