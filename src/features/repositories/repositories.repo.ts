import { asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { repositories } from "../../db/schema.ts";

export type RepositoryRow = typeof repositories.$inferSelect;

export async function listRepositories(db: Db): Promise<RepositoryRow[]> {
  return db.select().from(repositories).orderBy(asc(repositories.name));
}

export async function repositoryById(db: Db, id: string): Promise<RepositoryRow | null> {
  const [row] = await db.select().from(repositories).where(eq(repositories.id, id));
  return row ?? null;
}

export async function repositoryByName(db: Db, name: string): Promise<RepositoryRow | null> {
  const [row] = await db.select().from(repositories).where(eq(repositories.name, name));
  return row ?? null;
}

/** Locks the row for the rest of the transaction, so a fetch result and a credentials change do not cross. */
export async function lockRepository(tx: Tx, id: string): Promise<RepositoryRow | null> {
  const [row] = await tx.select().from(repositories).where(eq(repositories.id, id)).for("update");
  return row ?? null;
}

/** Inserts a repository; null when its name is taken (also by a registration committed a moment ago). */
export async function insertRepository(
  tx: Tx,
  values: typeof repositories.$inferInsert,
): Promise<RepositoryRow | null> {
  const [row] = await tx
    .insert(repositories)
    .values(values)
    .onConflictDoNothing({ target: repositories.name })
    .returning();
  return row ?? null;
}

export async function updateRepository(
  tx: Tx,
  id: string,
  values: Partial<typeof repositories.$inferInsert>,
): Promise<void> {
  await tx.update(repositories).set(values).where(eq(repositories.id, id));
}
