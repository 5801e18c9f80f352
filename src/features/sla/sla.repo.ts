import { and, asc, eq, notInArray, type SQL, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { badRequest } from "../../core/errors.ts";
import { reports, slaNotices, users } from "../../db/schema.ts";
import type { SlaNoticeKind } from "../../domain/sla.ts";
import { loadSlaPolicy } from "../settings/settings.service.ts";

/** The inbox's SLA filter values. */
export const SLA_FILTERS = ["overdue", "waiting"] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];

const CLOSED_STATES = ["closed", "rejected"];

/**
 * The inbox condition for an SLA filter, mirroring evaluateSla in SQL so paging and counts stay in the database:
 * "overdue" is an open report with a pending deadline in the past that was not frozen by a needs-info pause;
 * "waiting" is a report waiting for its reporter. Unknown values are refused with the allowed ones.
 */
export async function slaInboxCondition(db: Db, filter: string | undefined, now: Date): Promise<SQL | null> {
  if (filter === undefined || filter === "") return null;
  if (filter === "waiting") return eq(reports.needsInfo, true);
  if (filter !== "overdue") {
    throw badRequest(`sla must be one of ${SLA_FILTERS.join(", ")}.`, { sla: "Unknown SLA filter." });
  }
  const policy = await loadSlaPolicy(db);
  const nowIso = now.toISOString();
  const zone = policy.timeZone;
  const days = policy.updateIntervalDays;
  // A deadline still ahead when the pause began is frozen, as in evaluateSla.
  const missed = (due: SQL) =>
    sql`(${due} < ${nowIso}::timestamptz and not (${reports.needsInfo} and ${reports.needsInfoSince} is not null and ${due} > ${reports.needsInfoSince}))`;
  // The update cadence: calendar days after the last reporter-visible update, at the same local time.
  const updateDue = sql`((coalesce(${reports.lastReporterUpdateAt}, ${reports.acknowledgedAt}) at time zone ${zone}) + make_interval(days => ${days}::int)) at time zone ${zone}`;
  return sql`(${reports.state} not in ('closed', 'rejected') and (
    (${reports.acknowledgedAt} is null and ${missed(sql`${reports.acknowledgeBy}`)})
    or (${reports.triagedAt} is null and ${missed(sql`${reports.triageBy}`)})
    or (${reports.resolvedAt} is null and ${missed(sql`${reports.resolveBy}`)})
    or (${reports.acknowledgedAt} is not null and ${missed(updateDue)})
  ))`;
}

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
