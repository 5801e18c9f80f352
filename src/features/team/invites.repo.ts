import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { teamInvites } from "../../db/schema.ts";

export type InviteRow = typeof teamInvites.$inferSelect;

/** Invites nobody accepted or revoked, oldest first: the pending and the expired ones the admin still sees. */
export async function listOpenInvites(db: Db): Promise<InviteRow[]> {
  return db
    .select()
    .from(teamInvites)
    .where(and(isNull(teamInvites.acceptedAt), isNull(teamInvites.revokedAt)))
    .orderBy(asc(teamInvites.createdAt), asc(teamInvites.email));
}

export async function findInviteById(db: Db, id: string): Promise<InviteRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.select().from(teamInvites).where(eq(teamInvites.id, id));
  return row ?? null;
}

export async function findInviteByTokenHash(db: Db, tokenHash: string): Promise<InviteRow | null> {
  const [row] = await db.select().from(teamInvites).where(eq(teamInvites.tokenHash, tokenHash));
  return row ?? null;
}

/** The open invite to an address, if any (the unique index allows one). */
export async function findOpenInviteByEmail(db: Db, email: string): Promise<InviteRow | null> {
  const [row] = await db
    .select()
    .from(teamInvites)
    .where(
      and(
        sql`lower(${teamInvites.email}) = ${email.trim().toLowerCase()}`,
        isNull(teamInvites.acceptedAt),
        isNull(teamInvites.revokedAt),
      ),
    );
  return row ?? null;
}

/** Locks one invite for a change, so a revoke, a re-send and an acceptance of it run one after another. */
export async function lockInvite(tx: Tx, where: { id: string } | { tokenHash: string }) {
  const condition = "id" in where ? eq(teamInvites.id, where.id) : eq(teamInvites.tokenHash, where.tokenHash);
  const [row] = await tx.select().from(teamInvites).where(condition).for("update");
  return row ?? null;
}

export async function insertInvite(tx: Tx, values: typeof teamInvites.$inferInsert): Promise<InviteRow> {
  const [row] = await tx.insert(teamInvites).values(values).returning();
  return row!;
}

export async function updateInvite(
  tx: Tx,
  id: string,
  values: Partial<typeof teamInvites.$inferInsert>,
): Promise<InviteRow> {
  const [row] = await tx.update(teamInvites).set(values).where(eq(teamInvites.id, id)).returning();
  return row!;
}
