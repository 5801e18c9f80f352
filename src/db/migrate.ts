import path from "node:path";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { PROJECT_ROOT } from "../core/project-root.ts";
import type { Database } from "./client.ts";

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "migrations");
const MIGRATION_LOCK = 7_316_000;

/** Applies pending drizzle-kit migrations; on PostgreSQL an advisory lock keeps two instances from racing. */
export async function runMigrations(database: Database): Promise<void> {
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
