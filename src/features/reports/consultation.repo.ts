import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import {
  fixAccessTokens,
  fixBranches,
  fixConsultationAnswers,
  fixConsultations,
  fixRepositories,
  messages,
} from "../../db/schema.ts";
import type { FixVerdict } from "../../domain/consultation.ts";

export type FixRepositoryRow = typeof fixRepositories.$inferSelect;
export type ConsultationRow = typeof fixConsultations.$inferSelect;
export type ConsultationAnswerRow = typeof fixConsultationAnswers.$inferSelect;

/** The report's private fix repository, or null before create_fix_branch made one. */
export async function findFixRepository(db: Db, reportId: string): Promise<FixRepositoryRow | null> {
  const [row] = await db.select().from(fixRepositories).where(eq(fixRepositories.reportId, reportId));
  return row ?? null;
}

/** The head Embargo last recorded for a fix branch (after a push), or null before the first push. */
export async function findFixBranchHead(db: Db, reportId: string, ref: string): Promise<string | null> {
  const [row] = await db
    .select({ headSha: fixBranches.headSha })
    .from(fixBranches)
    .where(and(eq(fixBranches.reportId, reportId), eq(fixBranches.ref, ref)));
  return row?.headSha ?? null;
}

export async function insertConsultation(tx: Tx, values: typeof fixConsultations.$inferInsert) {
  const [row] = await tx.insert(fixConsultations).values(values).returning();
  return row!;
}

/** The latest invitation to check the fix: the one the tracking page shows. */
export async function latestConsultation(db: Db, reportId: string): Promise<ConsultationRow | null> {
  const [row] = await db
    .select()
    .from(fixConsultations)
    .where(eq(fixConsultations.reportId, reportId))
    .orderBy(desc(fixConsultations.invitedAt), desc(fixConsultations.createdAt))
    .limit(1);
  return row ?? null;
}

export async function insertConsultationAnswer(tx: Tx, values: typeof fixConsultationAnswers.$inferInsert) {
  const [row] = await tx.insert(fixConsultationAnswers).values(values).returning();
  return row!;
}

/** Every answer the reporter gave on the report's fix, oldest first. */
export async function listConsultationAnswers(db: Db, reportId: string): Promise<ConsultationAnswerRow[]> {
  return db
    .select()
    .from(fixConsultationAnswers)
    .where(eq(fixConsultationAnswers.reportId, reportId))
    .orderBy(asc(fixConsultationAnswers.answeredAt));
}

/**
 * The latest invitation and the answers of several reports (the inbox page's rows): two reads by report id, so the
 * inbox can say which fixes the reporter disputes.
 */
export async function consultationsOf(
  db: Db,
  reportIds: readonly string[],
): Promise<Map<string, { invitedAt: Date; answers: { verdict: FixVerdict; at: Date }[] }>> {
  const out = new Map<string, { invitedAt: Date; answers: { verdict: FixVerdict; at: Date }[] }>();
  if (reportIds.length === 0) return out;
  const ids = [...reportIds];
  const invitations = await db
    .select({ reportId: fixConsultations.reportId, invitedAt: fixConsultations.invitedAt })
    .from(fixConsultations)
    .where(inArray(fixConsultations.reportId, ids));
  for (const row of invitations) {
    const seen = out.get(row.reportId);
    if (!seen || seen.invitedAt < row.invitedAt)
      out.set(row.reportId, { invitedAt: row.invitedAt, answers: [] });
  }
  if (out.size === 0) return out;
  const answers = await db
    .select({
      reportId: fixConsultationAnswers.reportId,
      verdict: fixConsultationAnswers.verdict,
      at: fixConsultationAnswers.answeredAt,
    })
    .from(fixConsultationAnswers)
    .where(inArray(fixConsultationAnswers.reportId, [...out.keys()]));
  for (const a of answers) out.get(a.reportId)?.answers.push({ verdict: a.verdict, at: a.at });
  return out;
}

export async function insertFixAccessToken(tx: Tx, values: typeof fixAccessTokens.$inferInsert) {
  const [row] = await tx.insert(fixAccessTokens).values(values).returning({ id: fixAccessTokens.id });
  return row!;
}

/** Revokes the reporter's fix-access tokens of a report that are not revoked yet; answers how many it revoked. */
export async function revokeReporterFixAccess(tx: Tx, reportId: string, now: Date): Promise<number> {
  const revoked = await tx
    .update(fixAccessTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(fixAccessTokens.reportId, reportId),
        eq(fixAccessTokens.kind, "reporter"),
        isNull(fixAccessTokens.revokedAt),
      ),
    )
    .returning({ id: fixAccessTokens.id });
  return revoked.length;
}

/** The reporter's unrevoked fix-access token of a report (at most one: a new one revokes the earlier). */
export async function unrevokedReporterToken(db: Db, reportId: string) {
  const [row] = await db
    .select({
      id: fixAccessTokens.id,
      createdAt: fixAccessTokens.createdAt,
      expiresAt: fixAccessTokens.expiresAt,
      revokedAt: fixAccessTokens.revokedAt,
    })
    .from(fixAccessTokens)
    .where(
      and(
        eq(fixAccessTokens.reportId, reportId),
        eq(fixAccessTokens.kind, "reporter"),
        isNull(fixAccessTokens.revokedAt),
      ),
    )
    .orderBy(desc(fixAccessTokens.createdAt))
    .limit(1);
  return row ?? null;
}

/** One message of a report by id (the invitation a consultation sent), or null. */
export async function findMessage(db: Db, reportId: string, messageId: string) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.reportId, reportId), eq(messages.id, messageId)));
  return row ?? null;
}
