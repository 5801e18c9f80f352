import { and, desc, eq, gte, inArray, ne, sql } from "drizzle-orm";
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

/**
 * Marks a mail "sending" unless it was cancelled meanwhile; false when it was, so the job sends nothing. The
 * condition is in the statement, so a cancel that commits between the job's read and this write still wins.
 */
export async function claimForSending(tx: Tx, id: string, attempts: number): Promise<boolean> {
  const rows = await tx
    .update(outbox)
    .set({ status: "sending", attempts })
    .where(and(eq(outbox.id, id), ne(outbox.status, "cancelled")))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/** Holds a mail for the admins (no SMTP) unless it was cancelled meanwhile. */
export async function holdUnlessCancelled(tx: Tx, id: string) {
  await tx
    .update(outbox)
    .set({ status: "held" })
    .where(and(eq(outbox.id, id), ne(outbox.status, "cancelled")));
}

/**
 * A report's mail to one address written at or after a time; with `lock`, locked so no delivery starts while the
 * caller's transaction decides.
 */
export async function mailSince(db: Db, reportId: string, to: string, since: Date, lock: boolean) {
  const query = db
    .select({ id: outbox.id, status: outbox.status })
    .from(outbox)
    .where(
      and(
        eq(outbox.reportId, reportId),
        eq(sql`lower(${outbox.toAddress})`, to.toLowerCase()),
        gte(outbox.createdAt, since),
      ),
    )
    .orderBy(outbox.createdAt);
  return lock ? query.for("update") : query;
}

/** Cancels unsent mail: it stays in the outbox, marked, with why. */
export async function cancelMail(tx: Tx, ids: readonly string[], why: string) {
  if (ids.length === 0) return;
  await tx
    .update(outbox)
    .set({ status: "cancelled", lastError: why, secretsEnc: null })
    .where(and(inArray(outbox.id, [...ids]), inArray(outbox.status, ["queued", "held", "failed"])));
}

/**
 * Held mail, oldest first, locked so no delivery or second admin changes it while the caller decides: the named
 * ids (those still held), or all of it up to `limit`.
 */
export async function lockHeldMail(
  tx: Tx,
  ids: readonly string[] | null,
  limit: number,
): Promise<OutboxRow[]> {
  const where = ids
    ? and(eq(outbox.status, "held"), inArray(outbox.id, [...ids]))
    : eq(outbox.status, "held");
  return tx
    .select()
    .from(outbox)
    .where(where)
    .orderBy(outbox.createdAt, outbox.id)
    .limit(limit)
    .for("update");
}

/** Held mail, oldest first, up to `limit`, for the outbox page's summary. */
export async function listHeldMail(db: Db, limit: number): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(eq(outbox.status, "held"))
    .orderBy(outbox.createdAt, outbox.id)
    .limit(limit);
}

/** Held mail back to "queued" for its new delivery job. */
export async function markRequeued(tx: Tx, ids: readonly string[]) {
  if (ids.length === 0) return;
  await tx
    .update(outbox)
    .set({ status: "queued", lastError: null })
    .where(and(inArray(outbox.id, [...ids]), eq(outbox.status, "held")));
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
