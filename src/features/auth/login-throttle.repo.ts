import { and, desc, eq, gt, lt, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { loginFailures } from "../../db/schema.ts";
import type { FailureCount } from "../../domain/login-throttle.ts";

/** Recent failures of one source against one account, and of that source against every account. */
export async function failureCounts(
  db: Db,
  email: string,
  ip: string,
  since: Date,
): Promise<{ accountAndSource: FailureCount; source: FailureCount }> {
  const [row] = await db
    .select({
      pairCount: sql<number>`count(*) filter (where ${loginFailures.email} = ${email})::int`,
      pairLast: sql<
        string | null
      >`max(${loginFailures.createdAt}) filter (where ${loginFailures.email} = ${email})`,
      sourceCount: sql<number>`count(*)::int`,
      sourceLast: sql<string | null>`max(${loginFailures.createdAt})`,
    })
    .from(loginFailures)
    .where(and(eq(loginFailures.ip, ip), gt(loginFailures.createdAt, since)));
  const date = (value: string | null | undefined) => (value ? new Date(value) : null);
  return {
    accountAndSource: { count: row?.pairCount ?? 0, last: date(row?.pairLast) },
    source: { count: row?.sourceCount ?? 0, last: date(row?.sourceLast) },
  };
}

export async function insertFailure(tx: Tx, email: string, ip: string, now: Date): Promise<void> {
  await tx.insert(loginFailures).values({ email, ip, createdAt: now });
}

/** Forgets one source's failures against one account; the number of rows removed. */
export async function deleteFailures(tx: Tx, email: string, ip: string): Promise<number> {
  const rows = await tx
    .delete(loginFailures)
    .where(and(eq(loginFailures.email, email), eq(loginFailures.ip, ip)))
    .returning({ id: loginFailures.id });
  return rows.length;
}

/** Drops failures too old to count, so the table does not grow without end. */
export async function deleteFailuresBefore(tx: Tx, before: Date): Promise<void> {
  await tx.delete(loginFailures).where(lt(loginFailures.createdAt, before));
}

/** Recent failures grouped by account and source, most recent first. */
export async function failureGroups(db: Db, since: Date, limit = 500) {
  const last = sql<string>`max(${loginFailures.createdAt})`;
  const rows = await db
    .select({
      email: loginFailures.email,
      ip: loginFailures.ip,
      count: sql<number>`count(*)::int`,
      last,
    })
    .from(loginFailures)
    .where(gt(loginFailures.createdAt, since))
    .groupBy(loginFailures.email, loginFailures.ip)
    .orderBy(desc(last))
    .limit(limit);
  return rows.map((r) => ({ ...r, last: new Date(r.last) }));
}
