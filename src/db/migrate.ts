import fs from "node:fs";
import path from "node:path";
import { type SQL, sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { Db } from "../core/db.ts";
import { PROJECT_ROOT } from "../core/project-root.ts";
import type { Database } from "./client.ts";

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "migrations");
const MIGRATION_LOCK = 7_316_000;

/** How many migrations drizzle has recorded as applied (0 before the first). */
async function appliedMigrations(db: Db): Promise<number> {
  const rows = async (query: SQL) =>
    ((await db.execute(query)) as unknown as { rows: { n: unknown }[] }).rows;
  // The table is named only once it exists: PostgreSQL resolves names before it runs anything.
  const [exists] = await rows(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as n`);
  if (!exists?.n) return 0;
  const [count] = await rows(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(count?.n ?? 0);
}

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

/**
 * Applies pending drizzle-kit migrations; on PostgreSQL an advisory lock keeps two instances from racing. When
 * any was applied, ANALYZE refreshes the planner's statistics, which a migration that rewrites or fills tables
 * leaves stale (PGlite has no autovacuum to notice), and an upgraded PGlite database is vacuumed too. Returns how
 * many were applied.
 */
export async function runMigrations(database: Database): Promise<number> {
  if (await migrationsCurrent(database)) return 0;
  const migrate = async () => {
    const before = await appliedMigrations(database.db);
    if (database.kind === "pglite") {
      const { migrate: migratePglite } = await import("drizzle-orm/pglite/migrator");
      await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_DIR });
    } else {
      const { migrate: migratePg } = await import("drizzle-orm/node-postgres/migrator");
      await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder: MIGRATIONS_DIR });
    }
    const applied = (await appliedMigrations(database.db)) - before;
    // An upgrade's migration may rewrite every row (a backfill), which also clears the visibility map that
    // index-only scans need. PostgreSQL's autovacuum restores it soon; PGlite has none, so an upgraded PGlite
    // database is vacuumed here rather than read slowly until the nightly maintenance.
    if (applied > 0) {
      await database.db.execute(
        database.kind === "pglite" && before > 0 ? sql`vacuum analyze` : sql`analyze`,
      );
    }
    return applied;
  };
  return database.kind === "pglite" ? migrate() : database.withLock(MIGRATION_LOCK, migrate);
}
