import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { assets, auditEvents, reports, userKeys, users } from "../../db/schema.ts";
import { isUuid } from "../../domain/ids.ts";
import { isOpen, REPORT_STATES } from "../../domain/workflow.ts";
import type { UserRow } from "../team/team.service.ts";

/** The facts of a report that ranking needs, by id or reference. */
export async function findAssignmentSubject(db: Db, idOrReference: string) {
  const key = idOrReference.trim();
  const where = isUuid(key) ? eq(reports.id, key) : eq(reports.reference, key.toUpperCase());
  const [row] = await db
    .select({
      id: reports.id,
      assigneeId: reports.assigneeId,
      assetId: reports.assetId,
      weakness: reports.weakness,
    })
    .from(reports)
    .where(where);
  return row ?? null;
}

/** The tags of the report's asset: expertise is matched against them. */
export async function findAssetTags(db: Db, assetId: string | null): Promise<string[]> {
  if (!assetId) return [];
  const [row] = await db.select({ tags: assets.tags }).from(assets).where(eq(assets.id, assetId));
  return row?.tags ?? [];
}

/** Automatic assignment writes only the assignee column; every other report change goes through the reports service. */
export async function setAssignee(tx: Tx, reportId: string, userId: string, now: Date): Promise<void> {
  await tx.update(reports).set({ assigneeId: userId, updatedAt: now }).where(eq(reports.id, reportId));
}

/** A member who may be Response Manager, with what ranking weighs beside the member's own facts. */
export interface AssignableMember {
  user: UserRow;
  /** The severities of the member's open reports, one entry per report. */
  load: (string | null)[];
  /** The member's OpenPGP key, if one is stored: its expiry decides eligibility, its fingerprint names it. */
  key: { fingerprint: string; expiresAt: string | null } | null;
}

/**
 * Who may be Response Manager (active responders and admins, by name), each with the severities of their open
 * reports and their key's expiry, in one read: the ranking's whole input but the report's own tags.
 */
export async function listAssignableMembers(db: Db): Promise<AssignableMember[]> {
  const open = REPORT_STATES.filter(isOpen);
  const rows = await db
    .select({
      user: users,
      load: sql<(string | null)[]>`coalesce((select array_agg(${reports.severity}::text) from ${reports}
        where ${reports.assigneeId} = ${users.id} and ${inArray(reports.state, open)}), '{}'::text[])`,
      keyUserId: userKeys.userId,
      keyFingerprint: userKeys.fingerprint,
      keyExpiresAt: userKeys.expiresAt,
    })
    .from(users)
    .leftJoin(userKeys, eq(userKeys.userId, users.id))
    .where(and(eq(users.active, true), inArray(users.role, ["admin", "responder"])))
    .orderBy(asc(users.name));
  return rows.map((r) => ({
    user: r.user,
    load: r.load,
    key: r.keyUserId
      ? { fingerprint: r.keyFingerprint ?? "", expiresAt: r.keyExpiresAt?.toISOString() ?? null }
      : null,
  }));
}

/** Active admins: they are told when nobody can take a report. */
export async function listActiveAdminIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.active, true), eq(users.role, "admin")));
  return rows.map((r) => r.id);
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
