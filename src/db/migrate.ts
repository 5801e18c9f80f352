import path from "node:path";
import { fileURLToPath } from "node:url";
import { type SQL, sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { Db } from "../core/db.ts";
import type { Database } from "./client.ts";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../migrations");
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

/**
 * Applies pending drizzle-kit migrations; on PostgreSQL an advisory lock keeps two instances from racing. When
 * any was applied, ANALYZE refreshes the planner's statistics, which a migration that rewrites or fills tables
 * leaves stale (PGlite has no autovacuum to notice). Returns how many were applied.
 */
export async function runMigrations(database: Database): Promise<number> {
  const migrate = async () => {
    const before = await appliedMigrations(database.db);
    if (database.kind === "pglite")
      await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_DIR });
    else await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder: MIGRATIONS_DIR });
    const applied = (await appliedMigrations(database.db)) - before;
    if (applied > 0) await database.db.execute(sql`analyze`);
    return applied;
  };
  return database.kind === "pglite" ? migrate() : database.withLock(MIGRATION_LOCK, migrate);
}
