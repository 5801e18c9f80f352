import { and, asc, desc, eq, getTableColumns, gt, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import {
  assets,
  attachments,
  fixBranches,
  fixes,
  fixRepositories,
  fixVerifications,
  messages,
  reporters,
  reports,
  repositories,
  severityScores,
  trackingTokens,
  users,
} from "../../db/schema.ts";
import { isReference, isUuid } from "../../domain/ids.ts";

export type ReportRow = typeof reports.$inferSelect;
export type ReporterRow = typeof reporters.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type AttachmentMeta = Omit<typeof attachments.$inferSelect, "dataEnc">;

/** Finds a report by its id or its human reference (EMB-2026-0001), as both appear in URLs and the API. */
export async function findReport(
  db: Db,
  idOrReference: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ReportRow | null> {
  const key = idOrReference.trim();
  if (!isUuid(key) && !isReference(key)) return null;
  const where = isUuid(key) ? eq(reports.id, key) : eq(reports.reference, key.toUpperCase());
  const query = db.select().from(reports).where(where);
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

/**
 * Locks a report for an action and reads its reporter in the same statement. Only the report's row is locked
 * (FOR UPDATE OF reports), exactly as findReport with forUpdate locks it.
 */
export async function lockReportWithReporter(
  tx: Tx,
  idOrReference: string,
): Promise<{ report: ReportRow; reporter: ReporterRow } | null> {
  const key = idOrReference.trim();
  if (!isUuid(key) && !isReference(key)) return null;
  const where = isUuid(key) ? eq(reports.id, key) : eq(reports.reference, key.toUpperCase());
  const [row] = await tx
    .select({ report: reports, reporter: reporters })
    .from(reports)
    .innerJoin(reporters, eq(reporters.id, reports.reporterId))
    .where(where)
    .for("update", { of: reports });
  return row ?? null;
}

export async function findReportByTokenHash(db: Db, tokenHash: string): Promise<ReportRow | null> {
  const [row] = await db
    .select({ report: reports })
    .from(trackingTokens)
    .innerJoin(reports, eq(reports.id, trackingTokens.reportId))
    .where(and(eq(trackingTokens.tokenHash, tokenHash), isNull(trackingTokens.revokedAt)));
  return row?.report ?? null;
}

/**
 * Stores a new report's reporter and takes the report's number from report_seq in the same statement: the
 * reference is made from the number before the report is inserted.
 */
export async function insertReporterTakingNumber(
  tx: Tx,
  values: typeof reporters.$inferInsert,
): Promise<{ reporter: ReporterRow; seq: number }> {
  const [row] = await tx
    .insert(reporters)
    .values(values)
    .returning({ ...getTableColumns(reporters), seq: sql<number>`nextval('report_seq')::int` });
  const { seq, ...reporter } = row!;
  return { reporter, seq: Number(seq) };
}

/** A row to insert whose search index is computed in the same statement (see the search service's indexValue). */
type Indexed<T> = Omit<T, "searchIndex"> & { searchIndex?: SQL };

export async function insertReport(tx: Tx, values: Indexed<typeof reports.$inferInsert>): Promise<ReportRow> {
  const [row] = await tx.insert(reports).values(values).returning();
  return row!;
}

/**
 * Writes report fields. Takes a Db, not a Tx, only because the automatic assignment still calls it with the
 * transaction of a db.transaction; reports' own code calls it with a Tx.
 */
export async function updateReport(
  tx: Tx,
  id: string,
  values: Partial<typeof reports.$inferInsert>,
): Promise<ReportRow> {
  const [row] = await tx.update(reports).set(values).where(eq(reports.id, id)).returning();
  return row!;
}

export async function insertTrackingToken(tx: Tx, reportId: string, tokenHash: string, now: Date) {
  await tx.insert(trackingTokens).values({ reportId, tokenHash, createdAt: now });
}

export async function insertMessage(
  tx: Tx,
  values: Indexed<typeof messages.$inferInsert>,
): Promise<MessageRow> {
  const [row] = await tx.insert(messages).values(values).returning();
  return row!;
}

/** The rejection's own message to the reporter: the latest rejection message written at that instant. */
export async function findRejectionMessage(db: Db, reportId: string, at: Date) {
  const [row] = await db
    .select({ id: messages.id, seq: messages.seq })
    .from(messages)
    .where(
      and(
        eq(messages.reportId, reportId),
        eq(messages.kind, "rejection"),
        eq(messages.visibility, "reporter"),
        eq(messages.createdAt, at),
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(1);
  return row ?? null;
}

/** Whether a reporter-visible message (either direction) came after a message, or after a time when there is none. */
export async function reporterVisibleAfter(db: Db, reportId: string, after: { seq: number } | { at: Date }) {
  const [row] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.reportId, reportId),
        eq(messages.visibility, "reporter"),
        "seq" in after ? gt(messages.seq, after.seq) : gt(messages.createdAt, after.at),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Takes a message back from the reporter's view; it stays, for the team, as withdrawn. */
export async function withdrawMessage(tx: Tx, id: string, now: Date) {
  await tx.update(messages).set({ visibility: "internal", withdrawnAt: now }).where(eq(messages.id, id));
}

export async function insertAttachment(tx: Tx, values: typeof attachments.$inferInsert) {
  const [row] = await tx.insert(attachments).values(values).returning({ id: attachments.id });
  return row!;
}

export async function listMessages(db: Db, reportId: string, visibility?: "reporter"): Promise<MessageRow[]> {
  const where = visibility
    ? and(eq(messages.reportId, reportId), eq(messages.visibility, visibility))
    : eq(messages.reportId, reportId);
  return db.select().from(messages).where(where).orderBy(asc(messages.seq));
}

export async function listAttachmentMeta(db: Db, reportId: string): Promise<AttachmentMeta[]> {
  return db
    .select({
      id: attachments.id,
      reportId: attachments.reportId,
      messageId: attachments.messageId,
      filename: attachments.filename,
      contentType: attachments.contentType,
      size: attachments.size,
      sha256: attachments.sha256,
      createdAt: attachments.createdAt,
    })
    .from(attachments)
    .where(eq(attachments.reportId, reportId))
    .orderBy(asc(attachments.createdAt));
}

export async function findAttachment(db: Db, reportId: string, attachmentId: string) {
  if (!isUuid(attachmentId)) return null;
  const [row] = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.reportId, reportId), eq(attachments.id, attachmentId)));
  return row ?? null;
}

export async function listFixes(db: Db, reportId: string) {
  return db
    .select()
    .from(fixes)
    .where(eq(fixes.reportId, reportId))
    .orderBy(asc(fixes.createdAt), asc(fixes.id));
}

export async function listFixVerifications(db: Db, fixIds: string[]) {
  if (fixIds.length === 0) return [];
  return db
    .select()
    .from(fixVerifications)
    .where(inArray(fixVerifications.fixId, fixIds))
    .orderBy(asc(fixVerifications.createdAt));
}

/** The heads of a report's fix branches as the last recorded push left them. */
export async function listFixBranches(db: Db, reportId: string) {
  return db
    .select()
    .from(fixBranches)
    .where(eq(fixBranches.reportId, reportId))
    .orderBy(asc(fixBranches.ref));
}

/** A report's private fix repository and the name of the repository it forks, or null when it has none. */
export async function findFixRepository(db: Db, reportId: string) {
  const [row] = await db
    .select({ fixRepository: fixRepositories, repositoryName: repositories.name })
    .from(fixRepositories)
    .innerJoin(repositories, eq(repositories.id, fixRepositories.repositoryId))
    .where(eq(fixRepositories.reportId, reportId));
  return row ?? null;
}

export async function insertFix(tx: Tx, values: typeof fixes.$inferInsert) {
  const [row] = await tx.insert(fixes).values(values).returning();
  return row!;
}

export async function insertFixVerification(tx: Tx, values: typeof fixVerifications.$inferInsert) {
  await tx.insert(fixVerifications).values(values);
}

export async function insertSeverityScore(tx: Tx, values: typeof severityScores.$inferInsert) {
  await tx.insert(severityScores).values(values);
}

export async function listSeverityScores(db: Db, reportId: string) {
  return db
    .select({ score: severityScores, setBy: users.name })
    .from(severityScores)
    .leftJoin(users, eq(users.id, severityScores.setById))
    .where(eq(severityScores.reportId, reportId))
    .orderBy(desc(severityScores.createdAt));
}

/** The next link of a duplicate chain: the report's reference and the report it is marked a duplicate of. */
export async function findDuplicateLink(db: Db, id: string) {
  const [row] = await db
    .select({ id: reports.id, reference: reports.reference, duplicateOfId: reports.duplicateOfId })
    .from(reports)
    .where(eq(reports.id, id));
  return row;
}

export async function findReporter(db: Db, id: string): Promise<ReporterRow> {
  const [row] = await db.select().from(reporters).where(eq(reporters.id, id));
  return row!;
}

export async function findAsset(db: Db, id: string | null) {
  if (!id) return null;
  const [row] = await db.select().from(assets).where(eq(assets.id, id));
  return row ?? null;
}

/** Every report a reporter address has sent, oldest first, for link recovery. */
export async function listReportsByReporterEmail(db: Db, email: string) {
  return db
    .select({ id: reports.id, reference: reports.reference, reporterId: reports.reporterId })
    .from(reports)
    .innerJoin(reporters, eq(reporters.id, reports.reporterId))
    .where(sql`lower(${reporters.email}) = ${email.toLowerCase()}`)
    .orderBy(asc(reports.seq));
}
