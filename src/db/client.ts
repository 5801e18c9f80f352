import v8 from "node:v8";
import { type SQL, sql } from "drizzle-orm";
import type Pg from "pg";
import type { Db } from "../core/db.ts";
import * as schema from "./schema.ts";

/** What pg-boss needs to run its SQL on our connection (PGlite has only one). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface Database {
  kind: "pglite" | "postgres";
  db: Db;
  executor: SqlExecutor;
  /** Runs fn while holding a session-level advisory lock (PGlite has one connection, so it just runs fn). */
  withLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /**
   * Makes this process one of the job workers until the database is closed. `ifSole` runs first, and only when
   * no other worker process is alive: jobs still marked active then belong to a process that died (kill -9,
   * power loss) and may be handed out again. No other worker can join while it runs.
   */
  joinWorkers(ifSole: () => Promise<void>): Promise<void>;
  /**
   * Calls onNotify with the payload of each NOTIFY on channel (sent at commit, by any process on this database);
   * with null when notifications may have been missed (a lost PostgreSQL connection came back). Resolves once
   * listening; the function it returns stops listening.
   */
  listen(channel: string, onNotify: (payload: string | null) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The advisory lock every serving process holds shared; taking it exclusively proves no other one is alive. */
const WORKERS_LOCK = 7_316_100; // apart from the other 7_316_xxx keys: audit chain, migrations, seeding

/**
 * PostgreSQL's default 128 MB of shared buffers live inside PGlite's WebAssembly memory and are all touched at
 * start, so they were a third of the server's resident memory. Embargo's working set is far smaller, and pages
 * beyond the buffers are still read from the operating system's file cache.
 */
const PGLITE_SHARED_BUFFERS = "32MB";

/**
 * PGlite's 9 MB WebAssembly module is compiled at every start, all of it, although a warm start runs a small part
 * of PostgreSQL. Lazy compilation compiles each function when it is first called (the hot ones are still tiered
 * up later), which takes about 0.15 s off a warm start on 2 cores and keeps less compiled code resident. It only
 * concerns WebAssembly, and PGlite is the only WebAssembly the server runs.
 */
let lazyWasm = false;
function compileWasmLazily(): void {
  if (lazyWasm) return;
  lazyWasm = true;
  v8.setFlagsFromString("--wasm-lazy-compilation");
}

/**
 * PGlite runs each statement synchronously on this thread, and statements that follow each other in promise
 * callbacks never give the event loop a turn: while the job workers start, poll or sweep, a request that is
 * waiting is not even accepted until they are all done (about 0.4 s at a warm start). One turn of the loop before
 * each statement or transaction lets waiting requests in between; order is kept (turns run first in, first out).
 */
function letRequestsIn(client: object): () => Promise<void> {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const methods = client as Record<
    "query" | "exec" | "transaction",
    (...args: unknown[]) => Promise<unknown>
  >;
  // Calls waiting for their turn are not in PGlite's own queue yet: closing waits for them (see close below).
  const inFlight = new Set<Promise<unknown>>();
  for (const name of ["query", "exec", "transaction"] as const) {
    const run = methods[name].bind(client);
    methods[name] = (...args: unknown[]) => {
      const call = turn().then(() => run(...args));
      inFlight.add(call);
      const settled = () => inFlight.delete(call);
      call.then(settled, settled);
      return call;
    };
  }
  return async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
}

/**
 * Opens PGlite in a directory, or in memory when dataDir is null (tests). `from` starts it from a dump of a data
 * dir (`dumpDataDir`) instead of an empty one: tests load one migrated database rather than migrate each anew.
 */
export async function openPglite(dataDir: string | null, options: { from?: Blob } = {}): Promise<Database> {
  compileWasmLazily();
  // Each engine's driver loads only when that engine is used.
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
  ]);
  const settings = {
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    ...(options.from ? { loadDataDir: options.from } : {}),
  };
  const client = dataDir ? new PGlite(dataDir, settings) : new PGlite(settings);
  await client.waitReady;
  const settle = letRequestsIn(client);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const executor: SqlExecutor = {
    async executeSql(text, values) {
      if (values && values.length > 0) {
        const result = await client.query<Record<string, unknown>>(text, values);
        return { rows: result.rows };
      }
      // pg-boss sends multi-statement scripts without parameters; only exec() runs those on PGlite.
      const results = await client.exec(text);
      return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
    },
  };
  return {
    kind: "pglite",
    db,
    executor,
    withLock: (_key, fn) => fn(),
    // The data-dir lock (db/lock.ts) already makes this the only process on these files.
    joinWorkers: (ifSole) => ifSole(),
    async listen(channel, onNotify) {
      const stop = await client.listen(listenChannel(channel), (payload) => onNotify(payload));
      return async () => {
        await stop().catch(() => undefined);
      };
    },
    close: async () => {
      // Statements sent just before close (say, pg-boss marking a finished batch complete) still run.
      await settle();
      await client.close();
    },
  };
}

/** Opens a pool on a PostgreSQL server. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const [{ default: pg }, { drizzle: drizzlePg }] = await Promise.all([
    import("pg"),
    import("drizzle-orm/node-postgres"),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  const probe = await pool.connect().catch((error: Error) => {
    throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${error.message}`);
  });
  probe.release();
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  let workersClient: Pg.Client | null = null;
  const listeners = new Set<() => Promise<void>>();
  return {
    kind: "postgres",
    db,
    executor: {
      async executeSql(text, values) {
        const result = await pool.query(text, values as unknown[] | undefined);
        return { rows: result.rows };
      },
    },
    async withLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [key]);
        return await fn();
      } finally {
        await client.query("select pg_advisory_unlock($1)", [key]).catch(() => undefined);
        client.release();
      }
    },
    async joinWorkers(ifSole) {
      // Its own connection, held for the life of the process: PostgreSQL drops a session lock the moment the
      // session ends, which is also what happens when the process is killed.
      const client = new pg.Client({ connectionString: url });
      client.on("error", () => undefined);
      await client.connect();
      workersClient = client;
      const { rows } = await client.query<{ sole: boolean }>("select pg_try_advisory_lock($1) as sole", [
        WORKERS_LOCK,
      ]);
      const sole = rows[0]!.sole;
      try {
        if (sole) await ifSole();
      } finally {
        // Waits while another starting process holds it exclusively, so that one's clean-up finishes first.
        await client.query("select pg_advisory_lock_shared($1)", [WORKERS_LOCK]);
        if (sole) await client.query("select pg_advisory_unlock($1)", [WORKERS_LOCK]);
      }
    },
    async listen(channel, onNotify) {
      const stop = await listenOnPostgres(pg, url, listenChannel(channel), onNotify);
      listeners.add(stop);
      return async () => {
        listeners.delete(stop);
        await stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await workersClient?.end().catch(() => undefined);
      await pool.end();
    },
  };
}

/** A channel name we put into LISTEN as an identifier: plain lowercase words only. */
function listenChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`Invalid notification channel: ${channel}`);
  return channel;
}

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other queries). A lost connection is
 * re-opened after a growing pause, and onNotify(null) then says that notifications may have been missed.
 */
async function listenOnPostgres(
  pg: typeof Pg,
  url: string,
  channel: string,
  onNotify: (payload: string | null) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: Pg.Client | null = null;
  let timer: NodeJS.Timeout | undefined;
  let pause = 500;
  const open = async () => {
    const client = new pg.Client({ connectionString: url });
    client.on("notification", (message) => {
      if (message.channel === channel) onNotify(message.payload ?? "");
    });
    const lost = () => {
      if (current !== client) return;
      current = null;
      client.end().catch(() => undefined);
      if (!stopped) retry();
    };
    client.on("error", lost);
    client.on("end", lost);
    await client.connect();
    await client.query(`listen ${channel}`);
    current = client;
    pause = 500;
  };
  const retry = () => {
    timer = setTimeout(() => {
      open()
        .then(() => onNotify(null))
        .catch(() => {
          pause = Math.min(pause * 2, 30_000);
          if (!stopped) retry();
        });
    }, pause);
    timer.unref();
  };
  await open();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    const client = current;
    current = null;
    await client?.end().catch(() => undefined);
  };
}

/**
 * Runs pg-boss's SQL inside one of our transactions, so a queued job commits or rolls back with the change
 * (and, on PGlite, so it does not wait on the connection the transaction holds).
 */
export function txExecutor(tx: Db): SqlExecutor {
  return {
    async executeSql(text, values = []) {
      const query = bindPositional(text, values);
      const result = (await tx.execute(query)) as unknown as { rows: Record<string, unknown>[] };
      return { rows: result.rows };
    },
  };
}

/** Turns `$1`-style SQL into a drizzle SQL object with bound parameters. */
export function bindPositional(text: string, values: unknown[]): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    const index = Number(match[1]) - 1;
    if (index < 0 || index >= values.length) throw new Error(`SQL placeholder ${match[0]} has no value`);
    chunks.push(sql.raw(text.slice(last, match.index)));
    chunks.push(sql`${sql.param(values[index] ?? null)}`);
    last = (match.index ?? 0) + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks);
}

/** Hides the password of a connection URL in messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}
