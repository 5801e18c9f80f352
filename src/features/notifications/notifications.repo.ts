import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { notificationListMembers, notificationLists } from "../../db/schema.ts";

export type ListRow = typeof notificationLists.$inferSelect;
export type ListMemberRow = typeof notificationListMembers.$inferSelect;

export async function allLists(db: Db): Promise<{ list: ListRow; members: ListMemberRow[] }[]> {
  const lists = await db.select().from(notificationLists).orderBy(asc(notificationLists.name));
  if (lists.length === 0) return [];
  const members = await db
    .select()
    .from(notificationListMembers)
    .where(
      inArray(
        notificationListMembers.listId,
        lists.map((l) => l.id),
      ),
    )
    .orderBy(asc(notificationListMembers.name), asc(notificationListMembers.email));
  return lists.map((list) => ({ list, members: members.filter((m) => m.listId === list.id) }));
}

export async function listById(db: Db, id: string): Promise<ListRow | null> {
  const [row] = await db.select().from(notificationLists).where(eq(notificationLists.id, id));
  return row ?? null;
}

export async function listByName(db: Db, name: string): Promise<ListRow | null> {
  const [row] = await db.select().from(notificationLists).where(eq(notificationLists.name, name));
  return row ?? null;
}

/** Inserts a list; null when the name is taken (also by a concurrent insert). */
export async function insertList(
  tx: Tx,
  values: typeof notificationLists.$inferInsert,
): Promise<ListRow | null> {
  const [row] = await tx.insert(notificationLists).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function touchList(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.update(notificationLists).set({ updatedAt: at }).where(eq(notificationLists.id, id));
}

export async function deleteList(tx: Tx, id: string): Promise<void> {
  await tx.delete(notificationLists).where(eq(notificationLists.id, id));
}

export async function insertMembers(
  tx: Tx,
  values: (typeof notificationListMembers.$inferInsert)[],
): Promise<ListMemberRow[]> {
  if (values.length === 0) return [];
  return tx.insert(notificationListMembers).values(values).returning();
}

export async function membersOf(db: Db, listId: string): Promise<ListMemberRow[]> {
  return db.select().from(notificationListMembers).where(eq(notificationListMembers.listId, listId));
}

export async function deleteMember(tx: Tx, listId: string, memberId: string): Promise<ListMemberRow | null> {
  const [row] = await tx
    .delete(notificationListMembers)
    .where(and(eq(notificationListMembers.id, memberId), eq(notificationListMembers.listId, listId)))
    .returning();
  return row ?? null;
}
