import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { PROJECT_ROOT } from "../../src/core/project-root.ts";
import { openPglite, openPostgres } from "../../src/db/client.ts";
import { MIGRATIONS_DIR, runMigrations } from "../../src/db/migrate.ts";

/**
 * Freshly migrated databases to start tests from, made once for every later test and test process: an
 * in-memory PGlite loads a dump of a migrated data dir, and a PostgreSQL test database is created from a
 * migrated template database, each in a fraction of the time initdb and the migrations take. Their names are a
 * hash of everything they depend on (the migrations, the code that runs them, the PGlite version), so a new
 * migration makes new ones and a stale one is never used.
 */

let dump: Promise<Blob> | null = null;

/** The dump of a migrated PGlite data dir, kept in the temp dir. */
export function migratedPgliteDump(): Promise<Blob> {
  dump ??= loadOrMake();
  return dump;
}

function templateKey(): string {
  const hash = createHash("sha256");
  const add = (file: string) => hash.update(file).update(fs.readFileSync(file));
  for (const name of fs.readdirSync(MIGRATIONS_DIR).sort())
    if (name.endsWith(".sql")) add(path.join(MIGRATIONS_DIR, name));
  add(path.join(MIGRATIONS_DIR, "meta", "_journal.json"));
  add(path.join(PROJECT_ROOT, "src", "db", "migrate.ts"));
  add(path.join(PROJECT_ROOT, "src", "db", "client.ts"));
  add(path.join(PROJECT_ROOT, "node_modules", "@electric-sql", "pglite", "package.json"));
  return hash.digest("hex").slice(0, 16);
}

async function loadOrMake(): Promise<Blob> {
  const file = path.join(os.tmpdir(), `embargo-test-pglite-${templateKey()}.tar`);
  if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
  const database = await openPglite(null);
  try {
    await runMigrations(database);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const made = await client.dumpDataDir("none");
    // Written aside and renamed, so a test process starting meanwhile reads a whole dump or none.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, Buffer.from(await made.arrayBuffer()));
    fs.renameSync(partial, file);
    return made;
  } finally {
    await database.close();
  }
}

/** Serialises making the template across test processes; apart from the other 7_316_xxx keys. */
export const TEMPLATE_LOCK = 7_316_900;

/**
 * Creates database `name` as a copy of the migrated template, making the template first if no test process has
 * yet. `admin` is connected to the server's maintenance database.
 */
export async function createMigratedPostgres(
  admin: pg.Client,
  adminUrl: string,
  name: string,
): Promise<void> {
  const template = `embargo_template_${templateKey()}`;
  // Another test run on this machine may drop the template between our check and our copy (its teardown drops
  // every template no one is connected to): then it is made again.
  for (let attempt = 1; ; attempt++) {
    await ensureTemplate(admin, adminUrl, template);
    try {
      await admin.query(`create database ${name} template ${template}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "3D000" || attempt >= 3) throw error;
    }
  }
}

async function ensureTemplate(admin: pg.Client, adminUrl: string, template: string): Promise<void> {
  const exists = async () =>
    ((await admin.query("select 1 from pg_database where datname = $1", [template])).rowCount ?? 0) > 0;
  if (!(await exists())) {
    await admin.query("select pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    try {
      if (!(await exists())) {
        // Migrated under another name and renamed when done, so a template that exists is whole.
        const partial = `${template}_partial`;
        await admin.query(`drop database if exists ${partial} with (force)`);
        await admin.query(`create database ${partial}`);
        const url = new URL(adminUrl);
        url.pathname = `/${partial}`;
        // Two connections: runMigrations holds one for its lock and migrates on the other.
        const database = await openPostgres(url.toString(), { max: 2 });
        try {
          await runMigrations(database);
        } finally {
          await database.close();
        }
        await admin.query(`alter database ${partial} rename to ${template}`);
      }
    } finally {
      await admin.query("select pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
    }
  }
}
