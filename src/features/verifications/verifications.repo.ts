import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import {
  fixes,
  packageVerificationReports,
  packageVerifications,
  reports,
  repositories,
  userKeys,
  users,
} from "../../db/schema.ts";

export type VerificationRow = typeof packageVerifications.$inferSelect;

export async function insertVerification(
  tx: Tx,
  values: typeof packageVerifications.$inferInsert,
  reportIds: readonly string[],
): Promise<VerificationRow> {
  const [row] = await tx.insert(packageVerifications).values(values).returning();
  await tx
    .insert(packageVerificationReports)
    .values(reportIds.map((reportId) => ({ verificationId: row!.id, reportId })));
  return row!;
}

export async function verificationById(db: Db, id: string): Promise<VerificationRow | null> {
  const [row] = await db.select().from(packageVerifications).where(eq(packageVerifications.id, id));
  return row ?? null;
}

/** Locks the row, so two deliveries of one job do not both run it. */
export async function lockVerification(tx: Tx, id: string): Promise<VerificationRow | null> {
  const [row] = await tx
    .select()
    .from(packageVerifications)
    .where(eq(packageVerifications.id, id))
    .for("update");
  return row ?? null;
}

export async function updateVerification(
  tx: Tx,
  id: string,
  values: Partial<typeof packageVerifications.$inferInsert>,
): Promise<void> {
  await tx.update(packageVerifications).set(values).where(eq(packageVerifications.id, id));
}

/** The reports a verification covers, with their references. */
export async function coveredReports(db: Db, id: string): Promise<{ id: string; reference: string }[]> {
  return db
    .select({ id: reports.id, reference: reports.reference })
    .from(packageVerificationReports)
    .innerJoin(reports, eq(reports.id, packageVerificationReports.reportId))
    .where(eq(packageVerificationReports.verificationId, id))
    .orderBy(reports.reference);
}

export async function reportsByReferences(
  db: Db,
  references: readonly string[],
): Promise<{ id: string; reference: string }[]> {
  if (references.length === 0) return [];
  return db
    .select({ id: reports.id, reference: reports.reference })
    .from(reports)
    .where(inArray(reports.reference, [...references]));
}

/** The fixes of the covered reports, oldest first, each with its report's reference. */
export async function fixesOf(db: Db, reportIds: readonly string[]) {
  if (reportIds.length === 0) return [];
  return db
    .select({
      reportId: fixes.reportId,
      reference: reports.reference,
      kind: fixes.kind,
      sha: fixes.sha,
      url: fixes.url,
      subject: fixes.subject,
      files: fixes.files,
    })
    .from(fixes)
    .innerJoin(reports, eq(reports.id, fixes.reportId))
    .where(inArray(fixes.reportId, [...reportIds]))
    .orderBy(reports.reference, fixes.createdAt);
}

/** The newest passed verification that covers the report, or null: what the release guard asks for. */
export async function passedCovering(db: Db, reportId: string): Promise<VerificationRow | null> {
  const [row] = await db
    .select({ v: packageVerifications })
    .from(packageVerificationReports)
    .innerJoin(packageVerifications, eq(packageVerifications.id, packageVerificationReports.verificationId))
    .where(and(eq(packageVerificationReports.reportId, reportId), eq(packageVerifications.status, "passed")))
    .orderBy(desc(packageVerifications.finishedAt))
    .limit(1);
  return row?.v ?? null;
}

/** A report's verifications, newest first, with the repository's name. */
export async function verificationsOfReport(db: Db, reportId: string, limit = 20) {
  return db
    .select({ v: packageVerifications, repository: repositories.name })
    .from(packageVerificationReports)
    .innerJoin(packageVerifications, eq(packageVerifications.id, packageVerificationReports.verificationId))
    .innerJoin(repositories, eq(repositories.id, packageVerifications.repositoryId))
    .where(eq(packageVerificationReports.reportId, reportId))
    .orderBy(desc(packageVerifications.createdAt))
    .limit(limit);
}

/** The OpenPGP keys of the active team members, with whose they are. */
export async function activeMemberKeys(db: Db): Promise<{ armored: string; name: string; email: string }[]> {
  return db
    .select({ armored: userKeys.armored, name: users.name, email: users.email })
    .from(userKeys)
    .innerJoin(users, eq(users.id, userKeys.userId))
    .where(eq(users.active, true));
}
