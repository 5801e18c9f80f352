import { and, asc, desc, eq, inArray, max, ne, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { advisories, advisoryComments, advisoryReports, advisoryRevisions } from "../../db/schema.ts";
import type { AdvisoryState } from "../../domain/advisory-review.ts";

export type AdvisoryRow = typeof advisories.$inferSelect;
export type AdvisoryRevisionRow = typeof advisoryRevisions.$inferSelect;
export type AdvisoryCommentRow = typeof advisoryComments.$inferSelect;

/** The fixed key of the transaction-level lock that serialises the allocation of advisory numbers. */
const ADVISORY_NUMBER_LOCK = 7_316_013;

/**
 * The next number of a year, under a transaction-level advisory lock held until commit: two concurrent creations
 * read max + 1 one after the other, so they never take the same number (the unique index is the backstop).
 */
export async function nextAdvisoryNumber(tx: Tx, year: number): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ADVISORY_NUMBER_LOCK})`);
  const [row] = await tx
    .select({ n: max(advisories.idNumber) })
    .from(advisories)
    .where(eq(advisories.idYear, year));
  return (row?.n ?? 0) + 1;
}

export async function insertAdvisory(tx: Tx, values: typeof advisories.$inferInsert): Promise<AdvisoryRow> {
  const [row] = await tx.insert(advisories).values(values).returning();
  return row!;
}

export async function setAdvisoryReports(tx: Tx, advisoryId: string, reportIds: readonly string[]) {
  await tx.delete(advisoryReports).where(eq(advisoryReports.advisoryId, advisoryId));
  if (reportIds.length > 0)
    await tx.insert(advisoryReports).values(reportIds.map((reportId) => ({ advisoryId, reportId })));
}

export async function updateAdvisory(
  tx: Tx,
  id: string,
  values: Partial<typeof advisories.$inferInsert>,
): Promise<AdvisoryRow> {
  const [row] = await tx.update(advisories).set(values).where(eq(advisories.id, id)).returning();
  return row!;
}

const byKey = (key: { id?: string; publicId?: string }) =>
  key.id ? eq(advisories.id, key.id) : eq(advisories.publicId, key.publicId ?? "");

export async function findAdvisory(db: Db, key: { id?: string; publicId?: string }) {
  const [row] = await db.select().from(advisories).where(byKey(key));
  return row ?? null;
}

/** Locks the row for the rest of the transaction, so concurrent edits and actions run one after the other. */
export async function lockAdvisory(tx: Tx, key: { id?: string; publicId?: string }) {
  const [row] = await tx.select().from(advisories).where(byKey(key)).for("update");
  return row ?? null;
}

/** Another advisory that has this CVE ID, if any. */
export async function advisoryWithCve(db: Db, cveId: string, exceptId: string | null) {
  const [row] = await db
    .select({ id: advisories.id, publicId: advisories.publicId })
    .from(advisories)
    .where(
      exceptId ? and(eq(advisories.cveId, cveId), ne(advisories.id, exceptId)) : eq(advisories.cveId, cveId),
    );
  return row ?? null;
}

export async function listAdvisories(db: Db, state: AdvisoryState | null): Promise<AdvisoryRow[]> {
  return db
    .select()
    .from(advisories)
    .where(state ? eq(advisories.state, state) : undefined)
    .orderBy(desc(advisories.idYear), desc(advisories.idNumber));
}

/** Report ids per advisory, in one query. */
export async function reportIdsOf(db: Db, advisoryIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(advisoryIds.map((id) => [id, []]));
  if (advisoryIds.length === 0) return out;
  const rows = await db
    .select()
    .from(advisoryReports)
    .where(inArray(advisoryReports.advisoryId, [...advisoryIds]));
  for (const r of rows) out.get(r.advisoryId)?.push(r.reportId);
  return out;
}

/** The advisories covering any of these reports, oldest first. */
export async function advisoriesForReports(db: Db, reportIds: readonly string[]): Promise<AdvisoryRow[]> {
  if (reportIds.length === 0) return [];
  const ids = db
    .selectDistinct({ id: advisoryReports.advisoryId })
    .from(advisoryReports)
    .where(inArray(advisoryReports.reportId, [...reportIds]));
  return db
    .select()
    .from(advisories)
    .where(inArray(advisories.id, ids))
    .orderBy(asc(advisories.createdAt), asc(advisories.idNumber));
}

export async function revisionsOf(db: Db, advisoryId: string): Promise<AdvisoryRevisionRow[]> {
  return db
    .select()
    .from(advisoryRevisions)
    .where(eq(advisoryRevisions.advisoryId, advisoryId))
    .orderBy(asc(advisoryRevisions.number));
}

export async function insertRevision(tx: Tx, values: typeof advisoryRevisions.$inferInsert) {
  await tx.insert(advisoryRevisions).values(values);
}

export async function commentsOf(db: Db, advisoryId: string): Promise<AdvisoryCommentRow[]> {
  return db
    .select()
    .from(advisoryComments)
    .where(eq(advisoryComments.advisoryId, advisoryId))
    .orderBy(asc(advisoryComments.createdAt), asc(advisoryComments.id));
}

export async function insertComment(tx: Tx, values: typeof advisoryComments.$inferInsert) {
  const [row] = await tx.insert(advisoryComments).values(values).returning();
  return row!;
}
