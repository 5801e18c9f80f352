import { and, asc, avg, count, eq, gte, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import {
  advisories,
  advisoryReports,
  hallOfFameThanks,
  myReportsTokens,
  reportCredits,
  reporters,
  reportFeedback,
  reports,
  trackingTokens,
} from "../../db/schema.ts";
import type { CreditChoice } from "../../domain/credit.ts";

export type CreditRow = typeof reportCredits.$inferSelect;
export type ThanksRow = typeof hallOfFameThanks.$inferSelect;
export type FeedbackRow = typeof reportFeedback.$inferSelect;

/** The stored row as the domain's choice. */
export function choiceOf(row: CreditRow | null): CreditChoice | null {
  if (!row) return null;
  return {
    display: row.display,
    name: row.name,
    handle: row.handle,
    url: row.url,
    affiliation: row.affiliation,
    coFinders: row.coFinders ?? [],
    hallOfFame: row.hallOfFame,
  };
}

/** The report a live tracking link opens: the same rule as the tracking page (known hash, not revoked). */
export async function reportByTrackingHash(db: Db, tokenHash: string) {
  const [row] = await db
    .select({
      id: reports.id,
      reference: reports.reference,
      title: reports.title,
      state: reports.state,
      reporterId: reports.reporterId,
      rejectionReason: reports.rejectionReason,
    })
    .from(trackingTokens)
    .innerJoin(reports, eq(reports.id, trackingTokens.reportId))
    .where(and(eq(trackingTokens.tokenHash, tokenHash), isNull(trackingTokens.revokedAt)));
  return row ?? null;
}

export async function reportById(db: Db, id: string) {
  const [row] = await db
    .select({
      id: reports.id,
      reference: reports.reference,
      title: reports.title,
      state: reports.state,
      reporterId: reports.reporterId,
      rejectionReason: reports.rejectionReason,
      advisoryUrl: reports.advisoryUrl,
    })
    .from(reports)
    .where(eq(reports.id, id));
  return row ?? null;
}

export async function reportIdByReference(db: Db, reference: string): Promise<string | null> {
  const [row] = await db.select({ id: reports.id }).from(reports).where(eq(reports.reference, reference));
  return row?.id ?? null;
}

export async function findCredit(db: Db, reportId: string): Promise<CreditRow | null> {
  const [row] = await db.select().from(reportCredits).where(eq(reportCredits.reportId, reportId));
  return row ?? null;
}

/** Locks the report's credit row for the change that follows (the row may not exist yet). */
export async function lockCredit(tx: Tx, reportId: string): Promise<CreditRow | null> {
  const [row] = await tx
    .select()
    .from(reportCredits)
    .where(eq(reportCredits.reportId, reportId))
    .for("update");
  return row ?? null;
}

export async function upsertCredit(tx: Tx, row: typeof reportCredits.$inferInsert): Promise<void> {
  const { reportId: _, ...set } = row;
  await tx.insert(reportCredits).values(row).onConflictDoUpdate({ target: reportCredits.reportId, set });
}

export async function setCreditConfirmed(tx: Tx, reportId: string, at: Date): Promise<void> {
  await tx.update(reportCredits).set({ confirmedAt: at }).where(eq(reportCredits.reportId, reportId));
}

/** Whether an advisory covering the report is public: published (or withdrawn after it) and its time has come. */
export async function publicAdvisoriesOf(db: Db, reportId: string, now: Date) {
  return db
    .select({ id: advisories.id, publicId: advisories.publicId, publishedAt: advisories.publishedAt })
    .from(advisoryReports)
    .innerJoin(advisories, eq(advisories.id, advisoryReports.advisoryId))
    .where(
      and(
        eq(advisoryReports.reportId, reportId),
        inArray(advisories.state, ["published", "withdrawn"]),
        lte(advisories.publishedAt, now),
      ),
    );
}

/** Every public advisory and the reports it covers, with the covered report's credit, for the hall of fame. */
export async function hallOfFameAdvisoryRows(db: Db, now: Date) {
  return db
    .select({
      reportId: reports.id,
      severity: reports.severity,
      advisoryId: advisories.publicId,
      title: advisories.title,
      publishedAt: advisories.publishedAt,
      credit: reportCredits,
    })
    .from(advisoryReports)
    .innerJoin(advisories, eq(advisories.id, advisoryReports.advisoryId))
    .innerJoin(reports, eq(reports.id, advisoryReports.reportId))
    .innerJoin(reportCredits, eq(reportCredits.reportId, reports.id))
    .where(
      and(
        inArray(advisories.state, ["published", "withdrawn"]),
        lte(advisories.publishedAt, now),
        eq(reportCredits.hallOfFame, true),
      ),
    )
    .orderBy(asc(advisories.publishedAt));
}

/** Accepted "thanks" entries with the report's credit, for the hall of fame. */
export async function hallOfFameThanksRows(db: Db) {
  return db
    .select({ reportId: reports.id, acceptedAt: hallOfFameThanks.acceptedAt, credit: reportCredits })
    .from(hallOfFameThanks)
    .innerJoin(reports, eq(reports.id, hallOfFameThanks.reportId))
    .innerJoin(reportCredits, eq(reportCredits.reportId, reports.id))
    .where(sql`${hallOfFameThanks.acceptedAt} is not null and ${reportCredits.hallOfFame}`)
    .orderBy(asc(hallOfFameThanks.acceptedAt));
}

export async function findThanks(db: Db, reportId: string): Promise<ThanksRow | null> {
  const [row] = await db.select().from(hallOfFameThanks).where(eq(hallOfFameThanks.reportId, reportId));
  return row ?? null;
}

export async function insertThanks(tx: Tx, row: typeof hallOfFameThanks.$inferInsert): Promise<boolean> {
  const done = await tx
    .insert(hallOfFameThanks)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: hallOfFameThanks.reportId });
  return done.length > 0;
}

export async function acceptThanksRow(tx: Tx, reportId: string, at: Date): Promise<boolean> {
  const done = await tx
    .update(hallOfFameThanks)
    .set({ acceptedAt: at })
    .where(and(eq(hallOfFameThanks.reportId, reportId), isNull(hallOfFameThanks.acceptedAt)))
    .returning({ id: hallOfFameThanks.reportId });
  return done.length > 0;
}

export async function findFeedback(db: Db, reportId: string): Promise<FeedbackRow | null> {
  const [row] = await db.select().from(reportFeedback).where(eq(reportFeedback.reportId, reportId));
  return row ?? null;
}

/** Stores the one feedback of a report; false when it was already given (the primary key decides, race-free). */
export async function insertFeedback(tx: Tx, row: typeof reportFeedback.$inferInsert): Promise<boolean> {
  const done = await tx
    .insert(reportFeedback)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: reportFeedback.reportId });
  return done.length > 0;
}

export async function feedbackAverage(db: Db, since: Date | null) {
  const [row] = await db
    .select({ average: avg(reportFeedback.rating), count: count() })
    .from(reportFeedback)
    .where(since ? gte(reportFeedback.createdAt, since) : undefined);
  return { average: row?.average == null ? null : Number(row.average), count: Number(row?.count ?? 0) };
}

/** The reports filed from an address (case-insensitive), oldest first, for "My reports". */
export async function reportsByEmail(db: Db, email: string) {
  return db
    .select({
      id: reports.id,
      reference: reports.reference,
      title: reports.title,
      state: reports.state,
      receivedAt: reports.receivedAt,
      acknowledgeBy: reports.acknowledgeBy,
      acknowledgedAt: reports.acknowledgedAt,
      triageBy: reports.triageBy,
      triagedAt: reports.triagedAt,
      resolveBy: reports.resolveBy,
      resolvedAt: reports.resolvedAt,
      credit: reportCredits,
    })
    .from(reports)
    .innerJoin(reporters, eq(reporters.id, reports.reporterId))
    .leftJoin(reportCredits, eq(reportCredits.reportId, reports.id))
    .where(sql`lower(${reporters.email}) = ${email.toLowerCase()}`)
    .orderBy(asc(reports.seq));
}

export async function insertMineToken(tx: Tx, row: typeof myReportsTokens.$inferInsert): Promise<void> {
  await tx.insert(myReportsTokens).values(row);
}

/** Links sent to an address since a time: the per-address budget of "My reports" mail. */
export async function mineLinksSince(db: Db, email: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(myReportsTokens)
    .where(
      and(
        eq(myReportsTokens.email, email),
        eq(myReportsTokens.kind, "link"),
        gte(myReportsTokens.createdAt, since),
      ),
    );
  return Number(row?.n ?? 0);
}

/** Uses a one-time link: marks it used if it is unused and unexpired, in one statement (two clicks, one wins). */
export async function useMineLink(tx: Tx, tokenHash: string, now: Date) {
  const [row] = await tx
    .update(myReportsTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(myReportsTokens.tokenHash, tokenHash),
        eq(myReportsTokens.kind, "link"),
        isNull(myReportsTokens.usedAt),
        sql`${myReportsTokens.expiresAt} > ${now}`,
      ),
    )
    .returning({ email: myReportsTokens.email, expiresAt: myReportsTokens.expiresAt });
  return row ?? null;
}

export async function findMineSession(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ email: myReportsTokens.email, expiresAt: myReportsTokens.expiresAt })
    .from(myReportsTokens)
    .where(
      and(
        eq(myReportsTokens.tokenHash, tokenHash),
        eq(myReportsTokens.kind, "session"),
        sql`${myReportsTokens.expiresAt} > ${now}`,
      ),
    );
  return row ?? null;
}

/** Forgets expired links and sessions, so the table holds only the last hour's. */
export async function deleteExpiredMineTokens(tx: Tx, now: Date): Promise<void> {
  await tx.delete(myReportsTokens).where(lte(myReportsTokens.expiresAt, now));
}
