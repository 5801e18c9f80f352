import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { inboundEmails, outbox, reporterKeys, reporters, reports } from "../../db/schema.ts";
import { isUuid } from "../../domain/ids.ts";

export type InboundRow = typeof inboundEmails.$inferSelect;

export async function findInbound(db: Db, dedupeKey: string, forUpdate = false): Promise<InboundRow | null> {
  const query = db.select().from(inboundEmails).where(eq(inboundEmails.dedupeKey, dedupeKey));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

/** Records a successful import; the unique dedupe key makes a concurrent second import fail and roll back. */
export async function saveImported(
  tx: Tx,
  values: Omit<typeof inboundEmails.$inferInsert, "status" | "attempts" | "error" | "errorCode">,
  existingId: string | null,
): Promise<void> {
  if (existingId) {
    await tx
      .update(inboundEmails)
      .set({
        ...values,
        status: "imported",
        error: null,
        errorCode: null,
        attempts: sql`${inboundEmails.attempts} + 1`,
      })
      .where(eq(inboundEmails.id, existingId));
    return;
  }
  await tx.insert(inboundEmails).values({ ...values, status: "imported", attempts: 1 });
}

/** Records (or counts again) a failed import, keeping what an admin needs to find the message in the mailbox. */
export async function saveFailure(
  tx: Tx,
  values: {
    dedupeKey: string;
    messageId: string | null;
    fromAddress: string | null;
    subject: string | null;
    errorCode: string;
    error: string;
    mailbox: string | null;
    uid: number | null;
    now: Date;
  },
): Promise<InboundRow> {
  const [row] = await tx
    .insert(inboundEmails)
    .values({
      dedupeKey: values.dedupeKey,
      messageId: values.messageId,
      status: "failed",
      fromAddress: values.fromAddress,
      subject: values.subject,
      errorCode: values.errorCode,
      error: values.error,
      attempts: 1,
      mailbox: values.mailbox,
      uid: values.uid,
      firstSeenAt: values.now,
      updatedAt: values.now,
    })
    .onConflictDoUpdate({
      target: inboundEmails.dedupeKey,
      set: {
        status: "failed",
        errorCode: values.errorCode,
        error: values.error,
        attempts: sql`${inboundEmails.attempts} + 1`,
        mailbox: values.mailbox,
        uid: values.uid,
        updatedAt: values.now,
      },
    })
    .returning();
  return row!;
}

/** Lets the next poll import a failed mail again; `retryAs` "new_report" skips threading. */
export async function markForRetry(
  tx: Tx,
  id: string,
  now: Date,
  retryAs: "new_report" | null,
): Promise<InboundRow | null> {
  const [row] = await tx
    .update(inboundEmails)
    .set({
      status: "retry",
      updatedAt: now,
      details: retryAs
        ? sql`${inboundEmails.details} || ${JSON.stringify({ retryAs })}::jsonb`
        : sql`${inboundEmails.details} - 'retryAs'`,
    })
    .where(and(eq(inboundEmails.id, id), eq(inboundEmails.status, "failed")))
    .returning();
  return row ?? null;
}

export async function retryUids(db: Db, mailbox: string): Promise<number[]> {
  const rows = await db
    .select({ uid: inboundEmails.uid })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.status, "retry"), eq(inboundEmails.mailbox, mailbox)));
  return rows.map((r) => r.uid).filter((uid): uid is number => uid !== null);
}

/** Marks sent outbox rows as bounced; rows already marked are left alone, so a repeated report changes nothing. */
export async function markBounced(tx: Tx, outboxIds: readonly string[], lastError: string) {
  return tx
    .update(outbox)
    .set({ status: "bounced", lastError })
    .where(and(inArray(outbox.id, [...outboxIds]), eq(outbox.status, "sent")))
    .returning({ id: outbox.id, reportId: outbox.reportId, toAddress: outbox.toAddress });
}

/** Sets a failed mail aside for good; only failed mail can be. */
export async function markDismissed(tx: Tx, id: string, now: Date): Promise<InboundRow | null> {
  const [row] = await tx
    .update(inboundEmails)
    .set({ status: "dismissed", updatedAt: now })
    .where(and(eq(inboundEmails.id, id), eq(inboundEmails.status, "failed")))
    .returning();
  return row ?? null;
}

/**
 * The report a Message-ID belongs to: one of our own outgoing mails (`<outbox-id@host>`), or a mail we imported
 * earlier. Null when it is neither.
 */
export async function reportIdForMessageIds(
  db: Db,
  ids: { messageIds: readonly string[]; outboxIds: readonly string[] },
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (ids.outboxIds.length > 0) {
    const rows = await db
      .select({ id: outbox.id, reportId: outbox.reportId })
      .from(outbox)
      .where(inArray(outbox.id, [...ids.outboxIds]));
    for (const r of rows) if (r.reportId) found.set(`outbox:${r.id}`, r.reportId);
  }
  if (ids.messageIds.length > 0) {
    const rows = await db
      .select({ messageId: inboundEmails.messageId, reportId: inboundEmails.reportId })
      .from(inboundEmails)
      .where(
        and(inArray(inboundEmails.messageId, [...ids.messageIds]), eq(inboundEmails.status, "imported")),
      );
    for (const r of rows) if (r.messageId && r.reportId) found.set(`mid:${r.messageId}`, r.reportId);
  }
  return found;
}

/** The keys reporters gave with reports filed under this address, newest first: the keys we trust for its mail. */
export async function reporterKeysByEmail(db: Db, email: string): Promise<string[]> {
  const rows = await db
    .select({ armored: reporterKeys.armored })
    .from(reporterKeys)
    .innerJoin(reporters, eq(reporters.id, reporterKeys.reporterId))
    .where(eq(sql`lower(${reporters.email})`, email.toLowerCase()))
    .orderBy(desc(reporters.createdAt))
    .limit(50);
  return rows.map((r) => r.armored);
}

export async function listInbound(
  db: Db,
  options: { statuses: readonly InboundRow["status"][]; limit: number },
): Promise<InboundRow[]> {
  return db
    .select()
    .from(inboundEmails)
    .where(inArray(inboundEmails.status, [...options.statuses]))
    .orderBy(desc(inboundEmails.updatedAt))
    .limit(options.limit);
}

export async function countFailures(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(inboundEmails)
    .where(eq(inboundEmails.status, "failed"));
  return row?.n ?? 0;
}

export async function inboundForReport(db: Db, reportId: string): Promise<InboundRow[]> {
  return db
    .select()
    .from(inboundEmails)
    .where(and(eq(inboundEmails.reportId, reportId), eq(inboundEmails.status, "imported")));
}

/**
 * The report a mail continues, by id or reference, locked for the append: the same row lock every report
 * change takes, so a reply and a team action on that report run one after the other.
 */
export async function lockThreadReport(tx: Db, idOrReference: string) {
  const key = idOrReference.trim();
  const where = isUuid(key) ? eq(reports.id, key) : eq(reports.reference, key.toUpperCase());
  const [row] = await tx.select().from(reports).where(where).for("update");
  return row ?? null;
}

/** The address a report was filed with: only it may join the thread by subject or plus-address. */
export async function reporterAddressOf(db: Db, reporterId: string) {
  const [row] = await db
    .select({ email: reporters.email })
    .from(reporters)
    .where(eq(reporters.id, reporterId));
  return { email: row?.email ?? null };
}

/** Keeps a reply that may not join its report by itself, sealed, until a team member accepts or dismisses it. */
export async function saveHeld(
  tx: Tx,
  values: Omit<typeof inboundEmails.$inferInsert, "status" | "attempts" | "error" | "errorCode">,
  existingId: string | null,
): Promise<InboundRow> {
  const set = { ...values, status: "held" as const, error: null, errorCode: null };
  if (existingId) {
    const [row] = await tx
      .update(inboundEmails)
      .set({ ...set, attempts: sql`${inboundEmails.attempts} + 1` })
      .where(eq(inboundEmails.id, existingId))
      .returning();
    return row!;
  }
  const [row] = await tx
    .insert(inboundEmails)
    .values({ ...set, attempts: 1 })
    .returning();
  return row!;
}

export async function findInboundById(db: Db, id: string, forUpdate = false): Promise<InboundRow | null> {
  const query = db.select().from(inboundEmails).where(eq(inboundEmails.id, id));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export async function updateInbound(
  tx: Tx,
  id: string,
  set: Partial<Pick<InboundRow, "status" | "messageRowId" | "heldRaw" | "details" | "updatedAt">>,
): Promise<void> {
  await tx.update(inboundEmails).set(set).where(eq(inboundEmails.id, id));
}

/** A report's held replies and imported mail: what may wait for a team member's decision. */
export async function heldOrImportedForReport(db: Db, reportId: string): Promise<InboundRow[]> {
  return db
    .select()
    .from(inboundEmails)
    .where(and(eq(inboundEmails.reportId, reportId), inArray(inboundEmails.status, ["held", "imported"])))
    .orderBy(inboundEmails.firstSeenAt);
}
