import { sql } from "drizzle-orm";
import type { Db } from "../../core/db.ts";

/** What one step runs on one table; VACUUM cannot run in a transaction, so these never take a Tx. */
export type MaintenanceOperation = "VACUUM (ANALYZE)" | "ANALYZE";

function rows<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** The database's size on disk in bytes (pg_database_size). */
export async function databaseSize(db: Db): Promise<number> {
  const result = await db.execute(sql`select pg_database_size(current_database())::bigint as bytes`);
  return Number(rows<{ bytes: string | number }>(result)[0]?.bytes ?? 0);
}

/**
 * Every ordinary table, ours and pg-boss's, as a quoted schema-qualified name ready to put into a statement.
 * Partitioned parents are left out (their partitions are listed), so nothing is done twice.
 */
export async function maintainedTables(db: Db): Promise<string[]> {
  const result = await db.execute(sql`
    select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'm') and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
    order by n.nspname, c.relname`);
  return rows<{ name: string }>(result).map((r) => r.name);
}

/** Runs one operation on one table, outside any transaction. `table` comes from maintainedTables (quoted). */
export async function maintainTable(db: Db, operation: MaintenanceOperation, table: string): Promise<void> {
  await db.execute(sql.raw(`${operation} ${table}`));
}
