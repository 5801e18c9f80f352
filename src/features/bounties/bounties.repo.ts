import { and, asc, desc, eq, gte, lt } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { bountyAwards, bountyPolicies, payoutDetails, reports } from "../../db/schema.ts";

export type AwardRow = typeof bountyAwards.$inferSelect;
export type PolicyRow = typeof bountyPolicies.$inferSelect;
export const POLICY_ID = "default";

export async function findPolicy(db: Db): Promise<PolicyRow | null> {
  const [row] = await db.select().from(bountyPolicies).where(eq(bountyPolicies.id, POLICY_ID));
  return row ?? null;
}

export async function savePolicy(tx: Tx, values: Omit<typeof bountyPolicies.$inferInsert, "id">) {
  await tx
    .insert(bountyPolicies)
    .values({ id: POLICY_ID, ...values })
    .onConflictDoUpdate({ target: bountyPolicies.id, set: values });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A report by id or reference with what a bounty needs: severity, reference and the reporter. */
export async function findReport(db: Db, idOrRef: string, opts: { forUpdate?: boolean } = {}) {
  const query = db
    .select({
      id: reports.id,
      reference: reports.reference,
      severity: reports.severity,
      reporterId: reports.reporterId,
      assigneeId: reports.assigneeId,
    })
    .from(reports)
    .where(UUID.test(idOrRef) ? eq(reports.id, idOrRef) : eq(reports.reference, idOrRef));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export async function awardsOf(db: Db, reportId: string): Promise<AwardRow[]> {
  return db
    .select()
    .from(bountyAwards)
    .where(eq(bountyAwards.reportId, reportId))
    .orderBy(desc(bountyAwards.createdAt), desc(bountyAwards.id));
}

export async function findAward(db: Db, id: string, opts: { forUpdate?: boolean } = {}) {
  if (!UUID.test(id)) return null;
  const query = db.select().from(bountyAwards).where(eq(bountyAwards.id, id));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export async function insertAward(tx: Tx, values: typeof bountyAwards.$inferInsert) {
  const [row] = await tx.insert(bountyAwards).values(values).returning();
  return row!;
}

export async function updateAward(tx: Tx, id: string, patch: Partial<AwardRow>) {
  const [row] = await tx.update(bountyAwards).set(patch).where(eq(bountyAwards.id, id)).returning();
  return row!;
}

export async function findPayout(db: Db, reportId: string) {
  const [row] = await db.select().from(payoutDetails).where(eq(payoutDetails.reportId, reportId));
  return row ?? null;
}

export async function savePayout(tx: Tx, values: typeof payoutDetails.$inferInsert) {
  await tx
    .insert(payoutDetails)
    .values(values)
    .onConflictDoUpdate({
      target: payoutDetails.reportId,
      set: {
        method: values.method,
        addressEnc: values.addressEnc,
        hint: values.hint,
        updatedAt: values.updatedAt,
      },
    });
}

/** The awards created in a year, with their report's reference, oldest first: the yearly export. */
export async function awardsOfYear(db: Db, year: number) {
  const from = new Date(Date.UTC(year, 0, 1));
  const to = new Date(Date.UTC(year + 1, 0, 1));
  return db
    .select({ award: bountyAwards, reference: reports.reference, payoutMethod: payoutDetails.method })
    .from(bountyAwards)
    .innerJoin(reports, eq(reports.id, bountyAwards.reportId))
    .leftJoin(payoutDetails, eq(payoutDetails.reportId, bountyAwards.reportId))
    .where(and(gte(bountyAwards.createdAt, from), lt(bountyAwards.createdAt, to)))
    .orderBy(asc(bountyAwards.createdAt), asc(reports.reference));
}
