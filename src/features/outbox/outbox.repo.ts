import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { inboundEmails, outbox } from "../../db/schema.ts";
import type { UnsentStatus } from "../../domain/mail-delivery.ts";

export type OutboxRow = typeof outbox.$inferSelect;

export async function insertOutbox(tx: Tx, values: typeof outbox.$inferInsert): Promise<OutboxRow> {
  const [row] = await tx.insert(outbox).values(values).returning();
  return row!;
}

export async function findOutbox(db: Db, id: string): Promise<OutboxRow | null> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row ?? null;
}

export async function updateOutbox(tx: Tx, id: string, values: Partial<typeof outbox.$inferInsert>) {
  await tx.update(outbox).set(values).where(eq(outbox.id, id));
}

export async function listOutbox(db: Db, limit = 200): Promise<OutboxRow[]> {
  return db.select().from(outbox).orderBy(desc(outbox.createdAt)).limit(limit);
}

/**
 * How many mails with one of `statuses` wait, counting at most `cap` of them: the count walks
 * outbox_status_idx (status, created_at) and stops at the cap, so a huge outbox costs no more than a small one.
 */
export async function countUnsent(db: Db, statuses: readonly UnsentStatus[], cap: number): Promise<number> {
  const waiting = db
    .select({ one: sql`1` })
    .from(outbox)
    .where(inArray(outbox.status, [...statuses]))
    .limit(cap)
    .as("waiting");
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(waiting);
  return row?.n ?? 0;
}

/**
 * The Message-IDs our mail to `address` about a report should answer, so it lands in the sender's own thread:
 * the first mail they sent about it and the latest. Empty when the report never came in by mail from there.
 */
export async function threadIdsFor(db: Db, reportId: string, address: string): Promise<string[]> {
  const rows = await db
    .select({ messageId: inboundEmails.messageId })
    .from(inboundEmails)
    .where(
      and(
        eq(inboundEmails.reportId, reportId),
        eq(inboundEmails.status, "imported"),
        eq(sql`lower(${inboundEmails.fromAddress})`, address.toLowerCase()),
      ),
    )
    .orderBy(inboundEmails.firstSeenAt, inboundEmails.id);
  const ids = rows.map((r) => r.messageId).filter((id): id is string => Boolean(id));
  if (ids.length === 0) return [];
  return [...new Set([ids[0]!, ids[ids.length - 1]!])];
}
