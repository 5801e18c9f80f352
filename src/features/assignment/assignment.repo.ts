import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../../core/db.ts";
import { auditEvents, reports, users } from "../../db/schema.ts";
import { isOpen, REPORT_STATES } from "../../domain/workflow.ts";
import type { UserRow } from "../team/team.repo.ts";

/** Who may be Response Manager: active responders and admins. */
export async function listAssignableMembers(db: Db): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.active, true), inArray(users.role, ["admin", "responder"])))
    .orderBy(asc(users.name));
}

/** Active admins: they are told when nobody can take a report. */
export async function listActiveAdminIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.active, true), eq(users.role, "admin")));
  return rows.map((r) => r.id);
}

/** The severities of every open report, by Response Manager: the load the ranking weighs. */
export async function openLoadByAssignee(db: Db): Promise<Map<string, (string | null)[]>> {
  const rows = await db
    .select({ assigneeId: reports.assigneeId, severity: reports.severity })
    .from(reports)
    .where(and(isNotNull(reports.assigneeId), inArray(reports.state, REPORT_STATES.filter(isOpen))));
  const load = new Map<string, (string | null)[]>();
  for (const row of rows) {
    const list = load.get(row.assigneeId!) ?? [];
    list.push(row.severity);
    load.set(row.assigneeId!, list);
  }
  return load;
}

/** Events that decide whether a report's "nobody available" flag still stands. */
export const ASSIGNMENT_ACTIONS = ["report.assign", "report.auto_assign", "report.nobody_available"] as const;

/** Of these reports, those whose latest assignment event says nobody was available. */
export async function reportsWaitingForSomeone(db: Db, reportIds: readonly string[]): Promise<Set<string>> {
  if (reportIds.length === 0) return new Set();
  const rows = await db
    .select({ reportId: auditEvents.reportId, action: auditEvents.action })
    .from(auditEvents)
    .where(
      and(
        inArray(auditEvents.reportId, [...reportIds]),
        inArray(auditEvents.action, [...ASSIGNMENT_ACTIONS]),
      ),
    )
    .orderBy(asc(auditEvents.seq));
  const latest = new Map<string, string>();
  for (const row of rows) latest.set(row.reportId!, row.action);
  return new Set([...latest].filter(([, action]) => action === "report.nobody_available").map(([id]) => id));
}
