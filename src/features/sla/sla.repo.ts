import { and, asc, eq, notInArray } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { reports, slaNotices, users } from "../../db/schema.ts";
import type { SlaNoticeKind } from "../../domain/sla.ts";

const CLOSED_STATES = ["closed", "rejected"];

/** Every open report, oldest first: what the SLA sweep looks at. */
export async function listOpenReportIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: reports.id })
    .from(reports)
    .where(notInArray(reports.state, CLOSED_STATES))
    .orderBy(asc(reports.seq));
  return rows.map((r) => r.id);
}

/**
 * Records that a reminder or escalation went out. Returns false when it was already recorded, so the caller sends
 * nothing: the unique index makes this safe across repeated sweeps, retries and several instances.
 */
export async function recordSlaNotice(
  tx: Tx,
  notice: { reportId: string; item: string; kind: SlaNoticeKind; dueAt: Date },
  now: Date,
): Promise<boolean> {
  const inserted = await tx
    .insert(slaNotices)
    .values({ ...notice, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: slaNotices.id });
  return inserted.length > 0;
}

/** The notices recorded for a report, oldest first. */
export async function listSlaNotices(db: Db, reportId: string) {
  return db
    .select()
    .from(slaNotices)
    .where(eq(slaNotices.reportId, reportId))
    .orderBy(asc(slaNotices.createdAt), asc(slaNotices.item));
}

/** Who escalations go to. */
export async function activeAdminIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true)))
    .orderBy(asc(users.name));
  return rows.map((r) => r.id);
}

/** A report the sweep looks at; locked when the sweep may change it, so it runs after any action in flight. */
export async function findSweptReport(db: Db, reportId: string, opts: { forUpdate?: boolean } = {}) {
  const query = db.select().from(reports).where(eq(reports.id, reportId));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}
