import { and, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { fixAccessTokens, fixBranches, fixes, fixRepositories, reports } from "../../db/schema.ts";

export type FixRepositoryRow = typeof fixRepositories.$inferSelect;
export type FixBranchRow = typeof fixBranches.$inferSelect;
export type FixAccessTokenRow = typeof fixAccessTokens.$inferSelect;

/** A report as the git route needs it: which one, in what state, and its fix repository if it has one. */
export interface ServedReport {
  reportId: string;
  reference: string;
  state: string;
  repository: FixRepositoryRow | null;
}

export async function fixRepositoryOf(db: Db, reportId: string): Promise<FixRepositoryRow | null> {
  const [row] = await db.select().from(fixRepositories).where(eq(fixRepositories.reportId, reportId));
  return row ?? null;
}

/** The report with this exact reference, and its fix repository. */
export async function servedReport(db: Db, reference: string): Promise<ServedReport | null> {
  const [row] = await db
    .select({
      reportId: reports.id,
      reference: reports.reference,
      state: reports.state,
      repository: fixRepositories,
    })
    .from(reports)
    .leftJoin(fixRepositories, eq(fixRepositories.reportId, reports.id))
    .where(eq(reports.reference, reference));
  return row ?? null;
}

export async function insertFixRepository(tx: Tx, values: typeof fixRepositories.$inferInsert) {
  await tx.insert(fixRepositories).values(values);
}

export async function fixBranchesOf(db: Db, reportId: string): Promise<FixBranchRow[]> {
  return db.select().from(fixBranches).where(eq(fixBranches.reportId, reportId));
}

export async function upsertFixBranch(tx: Tx, values: typeof fixBranches.$inferInsert) {
  await tx
    .insert(fixBranches)
    .values(values)
    .onConflictDoUpdate({
      target: [fixBranches.reportId, fixBranches.ref],
      set: { headSha: values.headSha, updatedBy: values.updatedBy, updatedAt: values.updatedAt },
    });
}

/** Inserts a pushed commit once per branch; a commit already recorded on that branch is left as it is. */
export async function insertCommitFix(tx: Tx, values: typeof fixes.$inferInsert): Promise<boolean> {
  const rows = await tx
    .insert(fixes)
    .values({ ...values, kind: "commit" })
    .onConflictDoNothing({ target: [fixes.reportId, fixes.branch, fixes.sha] })
    .returning({ id: fixes.id });
  return rows.length > 0;
}

export async function insertAccessToken(tx: Tx, values: typeof fixAccessTokens.$inferInsert) {
  const [row] = await tx.insert(fixAccessTokens).values(values).returning();
  return row!;
}

export async function accessTokenByHash(db: Db, tokenHash: string): Promise<FixAccessTokenRow | null> {
  const [row] = await db.select().from(fixAccessTokens).where(eq(fixAccessTokens.tokenHash, tokenHash));
  return row ?? null;
}

export async function revokeAccessToken(tx: Tx, id: string, at: Date) {
  await tx
    .update(fixAccessTokens)
    .set({ revokedAt: at })
    .where(and(eq(fixAccessTokens.id, id), isNull(fixAccessTokens.revokedAt)));
}

export async function reportReference(db: Db, reportId: string): Promise<string | null> {
  const [row] = await db
    .select({ reference: reports.reference })
    .from(reports)
    .where(eq(reports.id, reportId));
  return row?.reference ?? null;
}
