import { desc, eq } from "drizzle-orm";
import type { Db } from "../../core/db.ts";
import { outbox } from "../../db/schema.ts";

export type OutboxRow = typeof outbox.$inferSelect;

export async function insertOutbox(db: Db, values: typeof outbox.$inferInsert): Promise<OutboxRow> {
  const [row] = await db.insert(outbox).values(values).returning();
  return row!;
}

export async function findOutbox(db: Db, id: string): Promise<OutboxRow | null> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row ?? null;
}

export async function updateOutbox(db: Db, id: string, values: Partial<typeof outbox.$inferInsert>) {
  await db.update(outbox).set(values).where(eq(outbox.id, id));
}

export async function listOutbox(db: Db, limit = 200): Promise<OutboxRow[]> {
  return db.select().from(outbox).orderBy(desc(outbox.createdAt)).limit(limit);
}
