import fs from "node:fs";
import path from "node:path";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { PROJECT_ROOT } from "../core/project-root.ts";
import type { Database } from "./client.ts";

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "migrations");
const MIGRATION_LOCK = 7_316_000;

/** When drizzle-kit made the newest migration: drizzle records it as that migration's created_at. */
function newestMigrationMillis(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  return Math.max(...journal.entries.map((entry) => entry.when));
}

/**
 * Whether the database has every migration already, by the rule drizzle's migrator applies (a migration runs
 * when it is newer than the newest recorded one), in one read: the migrator itself first runs DDL and a
 * transaction even when there is nothing to do, a fifth of a warm start on PGlite.
 */
async function migrationsCurrent(database: Database): Promise<boolean> {
  try {
    const { rows } = await database.executor.executeSql(
      "select max(created_at) as newest from drizzle.__drizzle_migrations",
    );
    return Number(rows[0]?.newest ?? 0) >= newestMigrationMillis();
  } catch {
    return false; // a new database: no migrations table yet
  }
}

/** Applies pending drizzle-kit migrations; on PostgreSQL an advisory lock keeps two instances from racing. */
export async function runMigrations(database: Database): Promise<void> {
  if (await migrationsCurrent(database)) return;
  if (database.kind === "pglite") {
    const { migrate: migratePglite } = await import("drizzle-orm/pglite/migrator");
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_DIR });
    return;
  }
  const { migrate: migratePg } = await import("drizzle-orm/node-postgres/migrator");
  await database.withLock(MIGRATION_LOCK, () =>
    migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder: MIGRATIONS_DIR }),
  );
}
