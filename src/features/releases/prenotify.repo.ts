import { and, asc, eq, inArray, isNull, max, ne } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import {
  notificationListMembers,
  notificationLists,
  prenotifications,
  releaseLists,
  releaseReports,
  releases,
  reports,
  users,
} from "../../db/schema.ts";

export type PrenotificationRow = typeof prenotifications.$inferSelect;
export type ReleaseRow = typeof releases.$inferSelect;
export type ListMemberRow = typeof notificationListMembers.$inferSelect;

/** The release, locked until the caller's transaction ends, so one job (or one update) decides at a time. */
export async function lockRelease(tx: Tx, id: string): Promise<ReleaseRow | null> {
  const [row] = await tx.select().from(releases).where(eq(releases.id, id)).for("update");
  return row ?? null;
}

export async function releaseById(db: Db, id: string): Promise<ReleaseRow | null> {
  const [row] = await db.select().from(releases).where(eq(releases.id, id));
  return row ?? null;
}

/** The release's reports (id, reference, severity), by reference. */
export async function reportsOfRelease(db: Db, releaseId: string) {
  return db
    .select({ id: reports.id, reference: reports.reference, severity: reports.severity })
    .from(releaseReports)
    .innerJoin(reports, eq(reports.id, releaseReports.reportId))
    .where(eq(releaseReports.releaseId, releaseId))
    .orderBy(asc(reports.reference));
}

/** Every member of every list the release pre-notifies, with the list's name and mode, by list then member. */
export async function membersToNotify(db: Db, releaseId: string) {
  return db
    .select({ list: notificationLists, member: notificationListMembers })
    .from(releaseLists)
    .innerJoin(notificationLists, eq(notificationLists.id, releaseLists.listId))
    .innerJoin(notificationListMembers, eq(notificationListMembers.listId, notificationLists.id))
    .where(eq(releaseLists.releaseId, releaseId))
    .orderBy(asc(notificationLists.name), asc(notificationListMembers.email));
}

/** List members by id with their list's mode, for updates to the people who got the notice. */
export async function membersByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ list: notificationLists, member: notificationListMembers })
    .from(notificationListMembers)
    .innerJoin(notificationLists, eq(notificationLists.id, notificationListMembers.listId))
    .where(inArray(notificationListMembers.id, [...ids]));
}

export async function insertPrenotification(
  tx: Tx,
  values: typeof prenotifications.$inferInsert,
): Promise<PrenotificationRow> {
  const [row] = await tx.insert(prenotifications).values(values).returning();
  return row!;
}

/** The highest round the release's recipients were written in; 0 before the first notice. */
export async function latestRound(db: Db, releaseId: string): Promise<number> {
  const [row] = await db
    .select({ round: max(prenotifications.round) })
    .from(prenotifications)
    .where(eq(prenotifications.releaseId, releaseId));
  return row?.round ?? 0;
}

/** The first notice's rows that were not refused (the people who got it, or whose mail is on its way). */
export async function noticeRecipients(db: Db, releaseId: string): Promise<PrenotificationRow[]> {
  return db
    .select()
    .from(prenotifications)
    .where(
      and(
        eq(prenotifications.releaseId, releaseId),
        eq(prenotifications.kind, "notice"),
        ne(prenotifications.status, "failed"),
      ),
    )
    .orderBy(asc(prenotifications.createdAt), asc(prenotifications.email));
}

export async function markPrenotified(tx: Tx, releaseId: string, at: Date) {
  await tx
    .update(releases)
    .set({ prenotifiedAt: at, updatedAt: at })
    .where(and(eq(releases.id, releaseId), isNull(releases.prenotifiedAt)));
}

/** Records a delivery attempt's end; a row already sent stays sent (a late failure of a retry changes nothing). */
export async function recordOutcome(
  tx: Tx,
  id: string,
  outcome: { status: "sent"; at: Date } | { status: "failed"; failure: string },
) {
  const values =
    outcome.status === "sent"
      ? { status: "sent" as const, sentAt: outcome.at, failure: null }
      : { status: "failed" as const, failure: outcome.failure };
  await tx
    .update(prenotifications)
    .set(values)
    .where(and(eq(prenotifications.id, id), ne(prenotifications.status, "sent")));
}

export async function prenotificationById(db: Db, id: string): Promise<PrenotificationRow | null> {
  const [row] = await db.select().from(prenotifications).where(eq(prenotifications.id, id));
  return row ?? null;
}

/** The row a personal acknowledgement link belongs to, locked when read in a transaction. */
export async function byAckTokenHash(db: Db, hash: string, lock = false) {
  const query = db.select().from(prenotifications).where(eq(prenotifications.ackTokenHash, hash));
  const [row] = await (lock ? query.for("update") : query);
  return row ?? null;
}

export async function markAcknowledged(tx: Tx, id: string, at: Date) {
  await tx
    .update(prenotifications)
    .set({ acknowledgedAt: at })
    .where(and(eq(prenotifications.id, id), isNull(prenotifications.acknowledgedAt)));
}

/** Every mail of a release's pre-notification with its list's name, oldest round first. */
export async function prenotificationsOf(db: Db, releaseId: string) {
  return db
    .select({ row: prenotifications, listName: notificationLists.name })
    .from(prenotifications)
    .leftJoin(notificationLists, eq(notificationLists.id, prenotifications.listId))
    .where(eq(prenotifications.releaseId, releaseId))
    .orderBy(asc(prenotifications.round), asc(notificationLists.name), asc(prenotifications.email));
}

/** Active admins: they are alerted when a recipient cannot be written to. */
export async function activeAdminIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.active, true), eq(users.role, "admin")));
  return rows.map((r) => r.id);
}
