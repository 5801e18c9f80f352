import { and, asc, desc, eq, gt, inArray, notInArray } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import {
  disclosureEntries,
  disclosureExtensions,
  disclosurePlans,
  disclosureWarnings,
  releaseReports,
  releases,
  reports,
  users,
} from "../../db/schema.ts";

export type DisclosureEntryRow = typeof disclosureEntries.$inferSelect;

/** The report columns the disclosure clock reads, and who to tell. */
const REPORT_FACTS = {
  id: reports.id,
  seq: reports.seq,
  reference: reports.reference,
  state: reports.state,
  reporterId: reports.reporterId,
  assigneeId: reports.assigneeId,
  receivedAt: reports.receivedAt,
  pausedMs: reports.pausedMs,
  needsInfo: reports.needsInfo,
  needsInfoSince: reports.needsInfoSince,
};

export type DisclosureReport = {
  id: string;
  seq: number;
  reference: string;
  state: string;
  reporterId: string;
  assigneeId: string | null;
  receivedAt: Date;
  pausedMs: number;
  needsInfo: boolean;
  needsInfoSince: Date | null;
};

/** A report by id or reference; locked when the caller changes its negotiation, so moves queue one after another. */
export async function findReport(db: Db, idOrRef: string, opts: { forUpdate?: boolean } = {}) {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrRef);
  const query = db
    .select(REPORT_FACTS)
    .from(reports)
    .where(uuid ? eq(reports.id, idOrRef) : eq(reports.reference, idOrRef));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return (row as DisclosureReport | undefined) ?? null;
}

/** The report a live (unrevoked) tracking link opens, by the link's SHA-256. */

export async function listEntries(db: Db, reportId: string): Promise<DisclosureEntryRow[]> {
  return db
    .select()
    .from(disclosureEntries)
    .where(eq(disclosureEntries.reportId, reportId))
    .orderBy(asc(disclosureEntries.seq));
}

export async function insertEntry(tx: Tx, values: typeof disclosureEntries.$inferInsert) {
  const [row] = await tx.insert(disclosureEntries).values(values).returning();
  return row!;
}

export async function findPlan(db: Db, reportId: string) {
  const [row] = await db.select().from(disclosurePlans).where(eq(disclosurePlans.reportId, reportId));
  return row ?? null;
}

export async function savePlan(tx: Tx, values: typeof disclosurePlans.$inferInsert) {
  await tx
    .insert(disclosurePlans)
    .values(values)
    .onConflictDoUpdate({
      target: disclosurePlans.reportId,
      set: {
        plannedDate: values.plannedDate,
        releaseId: values.releaseId ?? null,
        updatedAt: values.updatedAt,
      },
    });
}

export async function listExtensions(db: Db, reportId: string) {
  return db
    .select()
    .from(disclosureExtensions)
    .where(eq(disclosureExtensions.reportId, reportId))
    .orderBy(asc(disclosureExtensions.createdAt), asc(disclosureExtensions.until));
}

export async function insertExtension(tx: Tx, values: typeof disclosureExtensions.$inferInsert) {
  const [row] = await tx.insert(disclosureExtensions).values(values).returning();
  return row!;
}

/** The releases that cover a report and are not cancelled, the next to publish first. */
export async function releasesCovering(db: Db, reportId: string) {
  return db
    .select({
      id: releases.id,
      version: releases.version,
      state: releases.state,
      publishAt: releases.publishAt,
    })
    .from(releaseReports)
    .innerJoin(releases, eq(releases.id, releaseReports.releaseId))
    .where(and(eq(releaseReports.reportId, reportId), notInArray(releases.state, ["cancelled"])))
    .orderBy(asc(releases.publishAt));
}

/** Reports that have a scheduled (or published) release, among these. */
export async function reportsWithScheduledRelease(db: Db, reportIds: string[]): Promise<Set<string>> {
  if (reportIds.length === 0) return new Set();
  const rows = await db
    .select({ reportId: releaseReports.reportId })
    .from(releaseReports)
    .innerJoin(releases, eq(releases.id, releaseReports.releaseId))
    .where(
      and(inArray(releaseReports.reportId, reportIds), inArray(releases.state, ["scheduled", "published"])),
    );
  return new Set(rows.map((r) => r.reportId));
}

/** Per report among these: extensions' dates and whether the reporter ever requested disclosure. */
export async function clockFactsFor(db: Db, reportIds: string[]) {
  if (reportIds.length === 0) return { extensions: new Map<string, Date[]>(), requested: new Set<string>() };
  const [ext, req] = await Promise.all([
    db
      .select({ reportId: disclosureExtensions.reportId, until: disclosureExtensions.until })
      .from(disclosureExtensions)
      .where(inArray(disclosureExtensions.reportId, reportIds)),
    db
      .selectDistinct({ reportId: disclosureEntries.reportId })
      .from(disclosureEntries)
      .where(and(inArray(disclosureEntries.reportId, reportIds), eq(disclosureEntries.move, "request"))),
  ]);
  const extensions = new Map<string, Date[]>();
  for (const e of ext) extensions.set(e.reportId, [...(extensions.get(e.reportId) ?? []), e.until]);
  return { extensions, requested: new Set(req.map((r) => r.reportId)) };
}

export async function reportsByIds(db: Db, reportIds: string[]): Promise<DisclosureReport[]> {
  if (reportIds.length === 0) return [];
  return (await db
    .select(REPORT_FACTS)
    .from(reports)
    .where(inArray(reports.id, reportIds))) as DisclosureReport[];
}

const NOT_RUNNING = ["disclosed", "closed", "rejected"];

/** One page of reports whose clock still runs, oldest first after `afterSeq`. */
export async function listRunningReports(
  db: Db,
  afterSeq: number,
  limit: number,
): Promise<DisclosureReport[]> {
  return (await db
    .select(REPORT_FACTS)
    .from(reports)
    .where(and(notInArray(reports.state, NOT_RUNNING), gt(reports.seq, afterSeq)))
    .orderBy(asc(reports.seq))
    .limit(limit)) as DisclosureReport[];
}

/** Records the 14-day warning for this target; false when it was already sent. */
export async function recordWarning(tx: Tx, reportId: string, target: Date, now: Date): Promise<boolean> {
  const inserted = await tx
    .insert(disclosureWarnings)
    .values({ reportId, target, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: disclosureWarnings.id });
  return inserted.length > 0;
}

export async function warningsFor(db: Db, reportId: string) {
  return db
    .select()
    .from(disclosureWarnings)
    .where(eq(disclosureWarnings.reportId, reportId))
    .orderBy(desc(disclosureWarnings.createdAt));
}

/** Who the warning goes to besides the Response Manager. */
export async function activeAdminIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true)))
    .orderBy(asc(users.name));
  return rows.map((r) => r.id);
}
