import { and, asc, desc, eq, inArray, lte, ne, or, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import type { ReleaseWaiverKind } from "../../db/schema/release-waivers.ts";
import {
  auditEvents,
  fixConsultationAnswers,
  fixConsultations,
  fixes,
  fixVerifications,
  releaseItems,
  releaseLists,
  releaseReports,
  releases,
  releaseWaivers,
  reportCredits,
  reportLeaks,
  reports,
  repositories,
} from "../../db/schema.ts";

export type ReleaseRow = typeof releases.$inferSelect;
export type ReleaseItemRow = typeof releaseItems.$inferSelect;
export type ReleaseWaiverRow = typeof releaseWaivers.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID.test(v);

export async function insertRelease(tx: Tx, values: typeof releases.$inferInsert): Promise<ReleaseRow> {
  const [row] = await tx.insert(releases).values(values).returning();
  return row as ReleaseRow;
}

export async function linkReleaseReports(tx: Tx, releaseId: string, reportIds: readonly string[]) {
  if (reportIds.length > 0)
    await tx.insert(releaseReports).values(reportIds.map((reportId) => ({ releaseId, reportId })));
}

export async function linkReleaseLists(tx: Tx, releaseId: string, listIds: readonly string[]) {
  if (listIds.length > 0)
    await tx.insert(releaseLists).values(listIds.map((listId) => ({ releaseId, listId })));
}

/** One release; `forUpdate` locks its row, so two publishers (or an action and the job) take turns. */
export async function releaseById(db: Db, id: string, forUpdate = false): Promise<ReleaseRow | null> {
  if (!isUuid(id)) return null;
  const query = db.select().from(releases).where(eq(releases.id, id));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export async function updateRelease(tx: Tx, id: string, patch: Partial<typeof releases.$inferInsert>) {
  await tx.update(releases).set(patch).where(eq(releases.id, id));
}

export async function allReleases(db: Db): Promise<ReleaseRow[]> {
  return db.select().from(releases).orderBy(desc(releases.publishAt), desc(releases.createdAt));
}

/** Scheduled releases whose publication time has come, earliest first. */
export async function dueReleases(db: Db, now: Date): Promise<ReleaseRow[]> {
  return db
    .select()
    .from(releases)
    .where(and(eq(releases.state, "scheduled"), lte(releases.publishAt, now)))
    .orderBy(asc(releases.publishAt));
}

/** The reports of releases, with what the release pages and the checklist read of them. */
export async function reportsOfReleases(db: Db, releaseIds: readonly string[]) {
  if (releaseIds.length === 0) return [];
  return db
    .select({
      releaseId: releaseReports.releaseId,
      id: reports.id,
      reference: reports.reference,
      title: reports.title,
      state: reports.state,
      severity: reports.severity,
      reporterId: reports.reporterId,
    })
    .from(releaseReports)
    .innerJoin(reports, eq(reports.id, releaseReports.reportId))
    .where(inArray(releaseReports.releaseId, [...releaseIds]))
    .orderBy(asc(reports.seq));
}

export async function listIdsOfRelease(db: Db, releaseId: string): Promise<string[]> {
  const rows = await db
    .select({ listId: releaseLists.listId })
    .from(releaseLists)
    .where(eq(releaseLists.releaseId, releaseId));
  return rows.map((r) => r.listId);
}

/** Reports by reference (or id), as a release form names them. */
export async function reportsByReferences(db: Db, refs: readonly string[]) {
  const upper = refs.map((r) => r.trim().toUpperCase());
  const ids = refs.map((r) => r.trim()).filter(isUuid);
  if (upper.length === 0) return [];
  return db
    .select({
      id: reports.id,
      reference: reports.reference,
      state: reports.state,
      severity: reports.severity,
    })
    .from(reports)
    .where(
      ids.length > 0
        ? or(inArray(reports.reference, upper), inArray(reports.id, ids))
        : inArray(reports.reference, upper),
    );
}

/** Which of these reports already belong to an open (planned or scheduled) release other than `except`. */
export async function reportsInOpenReleases(db: Db, reportIds: readonly string[], except?: string) {
  if (reportIds.length === 0) return [];
  return db
    .select({ reportId: releaseReports.reportId, releaseId: releases.id, version: releases.version })
    .from(releaseReports)
    .innerJoin(releases, eq(releases.id, releaseReports.releaseId))
    .where(
      and(
        inArray(releaseReports.reportId, [...reportIds]),
        inArray(releases.state, ["planned", "scheduled"]),
        except ? ne(releases.id, except) : undefined,
      ),
    );
}

export async function releaseWithVersion(db: Db, repositoryId: string | null, version: string) {
  const [row] = await db
    .select({ id: releases.id })
    .from(releases)
    .where(
      and(
        eq(releases.version, version),
        repositoryId ? eq(releases.repositoryId, repositoryId) : sql`${releases.repositoryId} is null`,
      ),
    );
  return row ?? null;
}

export async function repositoryById(db: Db, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({ id: repositories.id, name: repositories.name })
    .from(repositories)
    .where(eq(repositories.id, id));
  return row ?? null;
}

/** Reports with a second member's verification of one of their fixes. */
export async function reportsWithVerifiedFix(db: Db, reportIds: readonly string[]): Promise<Set<string>> {
  if (reportIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ reportId: fixes.reportId })
    .from(fixVerifications)
    .innerJoin(fixes, eq(fixes.id, fixVerifications.fixId))
    .where(inArray(fixes.reportId, [...reportIds]));
  return new Set(rows.map((r) => r.reportId));
}

/** Each report's latest invitation to check the fix, with the latest answer to it (if any). */
export async function latestConsultations(db: Db, reportIds: readonly string[]) {
  if (reportIds.length === 0) return new Map<string, "invited" | "fixes" | "does_not_fix">();
  const invited = await db
    .select({ id: fixConsultations.id, reportId: fixConsultations.reportId })
    .from(fixConsultations)
    .where(inArray(fixConsultations.reportId, [...reportIds]))
    .orderBy(asc(fixConsultations.invitedAt));
  const latest = new Map<string, string>();
  for (const c of invited) latest.set(c.reportId, c.id);
  const answers =
    latest.size === 0
      ? []
      : await db
          .select({
            consultationId: fixConsultationAnswers.consultationId,
            verdict: fixConsultationAnswers.verdict,
          })
          .from(fixConsultationAnswers)
          .where(inArray(fixConsultationAnswers.consultationId, [...latest.values()]))
          .orderBy(asc(fixConsultationAnswers.answeredAt));
  const verdicts = new Map<string, "fixes" | "does_not_fix">();
  for (const a of answers) verdicts.set(a.consultationId, a.verdict);
  const out = new Map<string, "invited" | "fixes" | "does_not_fix">();
  for (const [reportId, consultationId] of latest)
    out.set(reportId, verdicts.get(consultationId) ?? "invited");
  return out;
}

/** The credit rows of reports: absent means the reporter's choice at intake stands. */
export async function creditsOf(db: Db, reportIds: readonly string[]) {
  if (reportIds.length === 0) return [];
  return db
    .select({ reportId: reportCredits.reportId, confirmedAt: reportCredits.confirmedAt })
    .from(reportCredits)
    .where(inArray(reportCredits.reportId, [...reportIds]));
}

export async function waiversOf(db: Db, releaseId: string): Promise<ReleaseWaiverRow[]> {
  return db.select().from(releaseWaivers).where(eq(releaseWaivers.releaseId, releaseId));
}

export async function upsertWaiver(
  tx: Tx,
  values: {
    releaseId: string;
    reportId: string;
    kind: ReleaseWaiverKind;
    reason: string;
    recordedBy: string;
  },
) {
  await tx
    .insert(releaseWaivers)
    .values(values)
    .onConflictDoUpdate({
      target: [releaseWaivers.releaseId, releaseWaivers.reportId, releaseWaivers.kind],
      set: { reason: values.reason, recordedBy: values.recordedBy },
    });
}

export async function itemsOf(db: Db, releaseId: string): Promise<ReleaseItemRow[]> {
  return db
    .select()
    .from(releaseItems)
    .where(eq(releaseItems.releaseId, releaseId))
    .orderBy(asc(releaseItems.createdAt), asc(releaseItems.id));
}

export async function insertItem(tx: Tx, values: typeof releaseItems.$inferInsert): Promise<ReleaseItemRow> {
  const [row] = await tx.insert(releaseItems).values(values).returning();
  return row as ReleaseItemRow;
}

export async function updateItem(
  tx: Tx,
  releaseId: string,
  itemId: string,
  patch: Partial<typeof releaseItems.$inferInsert>,
): Promise<ReleaseItemRow | null> {
  if (!isUuid(itemId)) return null;
  const [row] = await tx
    .update(releaseItems)
    .set(patch)
    .where(and(eq(releaseItems.id, itemId), eq(releaseItems.releaseId, releaseId)))
    .returning();
  return row ?? null;
}

/** The release's history: its audit events (one per report, so the same change is read once). */
export async function releaseHistory(db: Db, releaseId: string) {
  const rows = await db
    .select({
      id: auditEvents.id,
      seq: auditEvents.seq,
      occurredAt: auditEvents.occurredAt,
      actorType: auditEvents.actorType,
      actorId: auditEvents.actorId,
      action: auditEvents.action,
      data: auditEvents.data,
    })
    .from(auditEvents)
    .where(sql`${auditEvents.data}->>'releaseId' = ${releaseId}`)
    .orderBy(asc(auditEvents.seq));
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.action}@${r.occurredAt.toISOString()}@${JSON.stringify((r.data as { change?: unknown }).change ?? null)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function insertLeak(tx: Tx, values: typeof reportLeaks.$inferInsert) {
  const [row] = await tx.insert(reportLeaks).values(values).returning();
  return row as typeof reportLeaks.$inferSelect;
}

export async function leaksOf(db: Db, reportId: string) {
  return db
    .select()
    .from(reportLeaks)
    .where(eq(reportLeaks.reportId, reportId))
    .orderBy(asc(reportLeaks.createdAt));
}

/** The open (planned or scheduled) release a report belongs to, if any. */
export async function openReleaseOfReport(db: Db, reportId: string) {
  const [row] = await reportsInOpenReleases(db, [reportId]);
  return row ?? null;
}

export async function reportRef(db: Db, idOrRef: string) {
  const [row] = await reportsByReferences(db, [idOrRef]);
  return row ?? null;
}

/** The latest published release that carried a report, with its repository's name, for final feedback. */
export async function publishedReleaseOfReport(db: Db, reportId: string) {
  const [row] = await db
    .select({ version: releases.version, repository: repositories.name })
    .from(releaseReports)
    .innerJoin(releases, eq(releases.id, releaseReports.releaseId))
    .leftJoin(repositories, eq(repositories.id, releases.repositoryId))
    .where(and(eq(releaseReports.reportId, reportId), eq(releases.state, "published")))
    .orderBy(desc(releases.publishedAt))
    .limit(1);
  return row ?? null;
}
