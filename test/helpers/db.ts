import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { createDataCipher, type DataCipher } from "../../src/crypto/data-key.ts";
import { type Database, openPglite, openPostgres } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { parseHostAllowList } from "../../src/domain/network-trust.ts";
import { type JobQueue, startJobQueue } from "../../src/jobs/queue.ts";
import { ALL_QUEUES } from "../../src/jobs/workers.ts";
import { createServices, type Services } from "../../src/services.ts";
import { createMigratedPostgres, migratedPgliteDump } from "./db-templates.ts";

export type DbKind = "pglite" | "postgres";
export const DB_KINDS: DbKind[] = ["pglite", "postgres"];

/** The server tests use: TEST_DATABASE_URL, or the local PostgreSQL. */
export function postgresAdminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** A movable clock: tests set and advance time instead of sleeping. */
export function testClock(start = new Date("2026-03-02T09:00:00Z")) {
  let now = new Date(start);
  const clock = () => new Date(now);
  clock.set = (d: Date | string) => {
    now = new Date(d);
  };
  clock.advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}
export type TestClock = ReturnType<typeof testClock>;

export interface TestDb {
  kind: DbKind;
  database: Database;
  jobs: JobQueue;
  services: Services;
  /** The data cipher the services seal with, for tests and the benchmark that write rows directly. */
  cipher: DataCipher;
  clock: TestClock;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database with pg-boss started, on PGlite (in memory, loaded from a migrated dump) or on a
 * new PostgreSQL database copied from a migrated template and dropped on close (test/helpers/db-templates.ts). PostgreSQL being unreachable fails loudly; it never skips.
 */
export async function createTestDb(
  kind: DbKind,
  /** pgliteDir: keep PGlite's files in that directory instead of in memory, so a test can read them. */
  options: {
    publicUrl?: string;
    pgliteDir?: string;
    alertAllowPrivateHosts?: string;
    /** PostgreSQL pool size (5 unless given): a concurrency benchmark wants a connection per writer. */
    poolMax?: number;
    /** Open this PostgreSQL database (created if missing) and keep it on close: a benchmark seeds it once. */
    keepPostgres?: string;
    /** The data key (32 bytes) instead of a random one, so a kept database can be read again. */
    dataKey?: Buffer;
  } = {},
): Promise<TestDb> {
  let database: Database;
  let drop = async () => {};
  if (kind === "pglite") {
    // In memory, it starts from the one migrated dump (runMigrations below then finds nothing to do); a data
    // dir a test reads is made and migrated the way the server does it.
    database = options.pgliteDir
      ? await openPglite(options.pgliteDir)
      : await openPglite(null, { from: await migratedPgliteDump() });
  } else {
    const adminUrl = postgresAdminUrl();
    const name = options.keepPostgres ?? `embargo_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect().catch((error: Error) => {
      throw new Error(
        `PostgreSQL tests need a server: could not connect to ${adminUrl} (${error.message}). Start PostgreSQL or set TEST_DATABASE_URL.`,
      );
    });
    const exists = await admin.query("select 1 from pg_database where datname = $1", [name]);
    // A kept database is migrated in place (a benchmark's may be older); a test's is a copy of the template.
    if (exists.rowCount === 0) {
      if (options.keepPostgres) await admin.query(`create database ${name}`);
      else await createMigratedPostgres(admin, adminUrl, name);
    }
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    database = await openPostgres(url.toString(), { max: options.poolMax ?? 5 });
    if (!options.keepPostgres)
      drop = async () => {
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      };
  }
  await runMigrations(database);
  const logger = pino({ level: "silent" });
  const jobs = await startJobQueue(database.executor, ALL_QUEUES, logger, {
    pollingIntervalSeconds: 0.5,
  });
  const clock = testClock();
  const cipher = createDataCipher(options.dataKey ?? randomBytes(32));
  // Each test database gets its own git store, removed with it.
  const gitDir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-test-git-"));
  const services = createServices({
    database,
    cipher,
    jobs,
    clock,
    logger,
    publicUrl: options.publicUrl ?? "http://embargo.test",
    smtpConfigured: false,
    gitDir,
    ...(options.alertAllowPrivateHosts !== undefined
      ? { alertAllowPrivateHosts: parseHostAllowList(options.alertAllowPrivateHosts)! }
      : {}),
  });
  return {
    kind,
    database,
    jobs,
    services,
    cipher,
    clock,
    async close() {
      await jobs.stop().catch(() => undefined);
      await database.close();
      await drop();
      fs.rmSync(gitDir, { recursive: true, force: true });
    },
  };
}
