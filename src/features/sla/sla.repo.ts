import { and, asc, eq, gt, inArray, notInArray } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { reports, slaNotices, users } from "../../db/schema.ts";
import type { SlaNoticeKind } from "../../domain/sla.ts";

const CLOSED_STATES = ["closed", "rejected"];

/**
 * One page of open reports, oldest first after `afterSeq`, with only the columns the SLA facts read: the sweep
 * looks at every open report this way and opens a transaction only for those with something due.
 */
export async function listOpenReportsForSweep(db: Db, afterSeq: number, limit: number) {
  return db
    .select({
      id: reports.id,
      seq: reports.seq,
      state: reports.state,
      receivedAt: reports.receivedAt,
      acknowledgedAt: reports.acknowledgedAt,
      triagedAt: reports.triagedAt,
      resolvedAt: reports.resolvedAt,
      lastReporterUpdateAt: reports.lastReporterUpdateAt,
      needsInfo: reports.needsInfo,
      needsInfoSince: reports.needsInfoSince,
      acknowledgeBy: reports.acknowledgeBy,
      triageBy: reports.triageBy,
      resolveBy: reports.resolveBy,
    })
    .from(reports)
    .where(and(notInArray(reports.state, CLOSED_STATES), gt(reports.seq, afterSeq)))
    .orderBy(asc(reports.seq))
    .limit(limit);
}

/** The notices already recorded for these reports, as `reportId item kind dueAt` keys (see noticeKey). */
export async function recordedNoticeKeys(db: Db, reportIds: string[]): Promise<Set<string>> {
  if (reportIds.length === 0) return new Set();
  const rows = await db
    .select({
      reportId: slaNotices.reportId,
      item: slaNotices.item,
      kind: slaNotices.kind,
      dueAt: slaNotices.dueAt,
    })
    .from(slaNotices)
    .where(inArray(slaNotices.reportId, reportIds));
  return new Set(rows.map((r) => noticeKey(r.reportId, r)));
}

/** The identity of a notice: the unique index sla_notices_once, as a string. */
export function noticeKey(reportId: string, notice: { item: string; kind: string; dueAt: Date }): string {
  return `${reportId} ${notice.item} ${notice.kind} ${notice.dueAt.toISOString()}`;
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
