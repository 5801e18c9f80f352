// Reads of the public side of advisories: only rows that are published (or withdrawn after publication) with a
// publication time at or before `now`, their revisions, and the credit choice of each covered report's reporter.
// Nothing here reads the live draft columns' text: the public text is each revision's content snapshot.

import { and, asc, desc, eq, inArray, isNotNull, lte } from "drizzle-orm";
import type { Db } from "../../core/db.ts";
import { reportCredits } from "../../db/schema/credits.ts";
import { reporters, reports } from "../../db/schema/reports.ts";
import { type AdvisoryContent, advisories, advisoryReports, advisoryRevisions } from "../../db/schema.ts";

/** The public facts of an advisory row: never its draft text. */
export interface PublishedRow {
  id: string;
  publicId: string;
  state: "published" | "withdrawn";
  publishedAt: Date;
  modifiedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawnReason: string | null;
}

export interface RevisionRow {
  advisoryId: string;
  number: number;
  summary: string;
  content: AdvisoryContent;
  createdAt: Date;
}

/** A covered report's reporter credit: their own choice when they made one, else the old reporter fields. */
export interface ReporterCreditRow {
  advisoryId: string;
  choice: {
    display: "name" | "handle" | "anonymous";
    name: string | null;
    handle: string | null;
    url: string | null;
    affiliation: string | null;
    coFinders: string[];
  } | null;
  legacy: { credit: "name" | "handle" | "anonymous"; name: string | null };
}

const columns = {
  id: advisories.id,
  publicId: advisories.publicId,
  state: advisories.state,
  publishedAt: advisories.publishedAt,
  modifiedAt: advisories.modifiedAt,
  withdrawnAt: advisories.withdrawnAt,
  withdrawnReason: advisories.withdrawnReason,
};

/** Public at `now`: published or withdrawn, with a publication time that has come. */
const publicAt = (now: Date) =>
  and(
    inArray(advisories.state, ["published", "withdrawn"]),
    isNotNull(advisories.publishedAt),
    lte(advisories.publishedAt, now),
  );

/** Every advisory public at `now`, newest publication first (then the highest number of a year). */
export async function listPublished(db: Db, now: Date): Promise<PublishedRow[]> {
  const rows = await db
    .select(columns)
    .from(advisories)
    .where(publicAt(now))
    .orderBy(desc(advisories.publishedAt), desc(advisories.idYear), desc(advisories.idNumber));
  return rows as PublishedRow[];
}

/** One advisory by its public id, only when it is public at `now`. */
export async function readPublished(db: Db, publicId: string, now: Date): Promise<PublishedRow | null> {
  const [row] = await db
    .select(columns)
    .from(advisories)
    .where(and(eq(advisories.publicId, publicId), publicAt(now)))
    .limit(1);
  return (row as PublishedRow | undefined) ?? null;
}

/** The revisions of these advisories, oldest first. */
export async function listRevisions(db: Db, advisoryIds: readonly string[]): Promise<RevisionRow[]> {
  if (advisoryIds.length === 0) return [];
  return db
    .select({
      advisoryId: advisoryRevisions.advisoryId,
      number: advisoryRevisions.number,
      summary: advisoryRevisions.summary,
      content: advisoryRevisions.content,
      createdAt: advisoryRevisions.createdAt,
    })
    .from(advisoryRevisions)
    .where(inArray(advisoryRevisions.advisoryId, [...advisoryIds]))
    .orderBy(asc(advisoryRevisions.advisoryId), asc(advisoryRevisions.number));
}

/** The reporter credits of the reports these advisories cover, in report order. */
export async function listReporterCredits(
  db: Db,
  advisoryIds: readonly string[],
): Promise<ReporterCreditRow[]> {
  if (advisoryIds.length === 0) return [];
  const rows = await db
    .select({
      advisoryId: advisoryReports.advisoryId,
      display: reportCredits.display,
      name: reportCredits.name,
      handle: reportCredits.handle,
      url: reportCredits.url,
      affiliation: reportCredits.affiliation,
      coFinders: reportCredits.coFinders,
      legacyCredit: reporters.credit,
      legacyName: reporters.name,
    })
    .from(advisoryReports)
    .innerJoin(reports, eq(reports.id, advisoryReports.reportId))
    .innerJoin(reporters, eq(reporters.id, reports.reporterId))
    .leftJoin(reportCredits, eq(reportCredits.reportId, reports.id))
    .where(inArray(advisoryReports.advisoryId, [...advisoryIds]))
    .orderBy(asc(reports.seq));
  return rows.map((r) => ({
    advisoryId: r.advisoryId,
    choice: r.display
      ? {
          display: r.display,
          name: r.name,
          handle: r.handle,
          url: r.url,
          affiliation: r.affiliation,
          coFinders: r.coFinders ?? [],
        }
      : null,
    legacy: { credit: r.legacyCredit, name: r.legacyName },
  }));
}
