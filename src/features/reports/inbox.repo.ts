import {
  and,
  asc,
  count,
  desc,
  eq,
  ilike,
  inArray,
  isNotNull,
  isNull,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db, Tx } from "../../core/db.ts";
import { badRequest } from "../../core/errors.ts";
import { reportReads, reports, severityRankSql, users } from "../../db/schema.ts";
import type { SlaPolicy } from "../../domain/sla.ts";

/** The inbox's SLA filter values. */
export const SLA_FILTERS = ["overdue", "team", "waiting"] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];

/**
 * The inbox condition for an SLA filter, mirroring evaluateSla in SQL so paging and counts stay in the database:
 * "overdue" is an open report with a pending deadline in the past that was not frozen by a needs-info pause;
 * "waiting" is a report waiting for its reporter (the partial index reports_needs_info_idx holds these), "team" one
 * waiting for the team (new, or an unanswered reporter message: reports_awaiting_team_idx holds the open ones).
 * Unknown values are refused with the allowed ones.
 */
export function slaInboxCondition(filter: string | undefined, now: Date, policy: SlaPolicy): SQL | null {
  if (filter === undefined || filter === "") return null;
  if (filter === "waiting") return eq(reports.needsInfo, true);
  if (filter === "team") return isNotNull(reports.awaitingTeamSince);
  if (filter !== "overdue") {
    throw badRequest(`sla must be one of ${SLA_FILTERS.join(", ")}.`, { sla: "Unknown SLA filter." });
  }
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

export interface InboxFilter {
  states: string[] | null;
  severity: string | null;
  assigneeId: string | null | "none";
  text: string | null;
  /** The search feature's condition (keyed index + messages); used instead of the plain title match when set. */
  textCondition?: SQL | null;
  /**
   * The search feature's condition as alternatives (a report matches when any does), used instead of both above
   * when set: each is paged and counted on its own, so each can use its own index (see textFilterAlternatives).
   */
  textAlternatives?: SQL[] | null;
  /** Leave out reports rejected as spam (kept, not deleted). */
  hideSpam?: boolean;
  /** The SLA filter's condition (overdue, or waiting for the reporter): slaInboxCondition. */
  slaCondition?: SQL | null;
  /** The member whose read marks the rows carry. */
  readerId?: string | null;
  sort: { column: "received" | "updated" | "severity" | "reference" | "state"; desc: boolean };
  limit: number;
  offset: number;
  /** How far past the page to count (COUNT_AHEAD unless a test says otherwise). */
  countAhead?: number;
}

const severityRank = severityRankSql(reports.severity);
const likelyDuplicate = alias(reports, "likely_duplicate");
/** A reader id that matches no read mark, for callers with no member (a system listing). */
const NO_READER = "00000000-0000-0000-0000-000000000000";

/** Records that a member opened a report's page now: it is read until the reporter writes again. */
export async function markReportRead(tx: Tx, userId: string, reportId: string, now: Date) {
  await tx
    .insert(reportReads)
    .values({ userId, reportId, readAt: now })
    .onConflictDoUpdate({ target: [reportReads.userId, reportReads.reportId], set: { readAt: now } });
}

/** Forgets a member's read mark, so the report shows as unread to them again. */
export async function markReportUnread(tx: Tx, userId: string, reportId: string) {
  await tx.delete(reportReads).where(and(eq(reportReads.userId, userId), eq(reportReads.reportId, reportId)));
}

/**
 * How far past the current page the inbox counts. Counting every match reads every matching row, which at
 * 100,000 reports costs more than the page itself; past this many the total is "more than".
 */
export const COUNT_AHEAD = 1000;

/**
 * One page of the inbox with the count of matches, filtered and sorted in SQL so paging stays cheap. The count
 * stops at the page's offset plus COUNT_AHEAD; `totalIsLowerBound` says there are more.
 */
export async function queryInbox(db: Db, filter: InboxFilter) {
  const conditions: SQL[] = [];
  if (filter.states) conditions.push(inArray(reports.state, filter.states));
  if (filter.hideSpam) {
    conditions.push(or(isNull(reports.rejectionReason), ne(reports.rejectionReason, "spam"))!);
  }
  if (filter.severity === "none") conditions.push(isNull(reports.severity));
  else if (filter.severity) conditions.push(eq(reports.severity, filter.severity));
  if (filter.assigneeId === "none") conditions.push(isNull(reports.assigneeId));
  else if (filter.assigneeId) conditions.push(eq(reports.assigneeId, filter.assigneeId));
  if (filter.slaCondition) conditions.push(filter.slaCondition);
  if (filter.textAlternatives) {
    // Taken below: one alternative is a plain condition, several are paged one by one.
  } else if (filter.textCondition) conditions.push(filter.textCondition);
  else if (filter.text) {
    const pattern = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(reports.title, pattern), ilike(reports.reference, pattern))!);
  }
  const alternatives = filter.textAlternatives ?? [];
  if (alternatives.length === 1) conditions.push(alternatives[0]!);
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const column = {
    received: reports.receivedAt,
    updated: reports.updatedAt,
    severity: severityRank,
    reference: reports.seq,
    state: reports.state,
  }[filter.sort.column];
  // Ties go the sort's way too, so each sort is one walk of an index on (column, seq), forwards or backwards.
  const order = filter.sort.desc ? [desc(column), desc(reports.seq)] : [asc(column), asc(reports.seq)];
  const countLimit = filter.offset + (filter.countAhead ?? COUNT_AHEAD);
  // Several alternatives: each is counted on its own first, by its matching ids up to countLimit + 1, and the first
  // that alone passes the limit settles the count (a common word does, without reading the others). One counted
  // with no more than countLimit matches is then known by its ids, and the page reads them by primary key; the
  // others are walked along the sort's index. (Counting every alternative would spare the walk of an uncounted rare
  // one, but counting a common word's messages cost more than the walks it spared: one-word searches took twice as
  // long.)
  const exact: (string[] | null)[] = [];
  for (const alternative of alternatives.length > 1 ? alternatives : []) {
    const found = await db
      .select({ id: reports.id })
      .from(reports)
      .where(and(where, alternative))
      .limit(countLimit + 1);
    exact.push(found.length > countLimit ? null : found.map((r) => r.id));
    if (found.length > countLimit) break;
  }
  while (exact.length < alternatives.length) exact.push(null);
  // Ids read from the database, passed as one array literal.
  const amongIds = (ids: string[]) => sql`${reports.id} = any(${`{${ids.join(",")}}`}::uuid[])`;
  // The page is among the first offset + limit rows of each alternative in the page's order, and each
  // alternative's query stops there on its own.
  const firstOfEach = (limit: number) =>
    sql.join(
      alternatives.map((alternative, i) => {
        const q = db
          .select({ id: reports.id })
          .from(reports)
          .where(exact[i] ? amongIds(exact[i]) : and(where, alternative))
          .orderBy(...order);
        return sql`(${q.limit(limit)})`;
      }),
      sql` union all `,
    );
  const everyExact = exact.every((ids) => ids !== null);
  const union = new Set(everyExact ? exact.flat() : []);
  let pageWhere = where;
  if (alternatives.length > 1) {
    pageWhere = everyExact
      ? amongIds([...union])
      : and(where, sql`${reports.id} in (${firstOfEach(filter.offset + filter.limit)})`);
  }
  // The page's rows carry the reader's read mark and the likely duplicate's reference: two primary-key lookups per
  // row of the page, nothing computed per row.
  const rows = await db
    .select({
      report: reports,
      assigneeName: users.name,
      assigneeEmail: users.email,
      readAt: reportReads.readAt,
      likelyDuplicateReference: likelyDuplicate.reference,
    })
    .from(reports)
    .leftJoin(users, eq(users.id, reports.assigneeId))
    .leftJoin(
      reportReads,
      and(eq(reportReads.reportId, reports.id), eq(reportReads.userId, filter.readerId ?? NO_READER)),
    )
    .leftJoin(likelyDuplicate, eq(likelyDuplicate.id, reports.likelyDuplicateOfId))
    .where(pageWhere)
    .orderBy(...order)
    .limit(filter.limit)
    .offset(filter.offset);
  // Counting stops past countLimit: counting every match reads every matching row.
  const countUpTo = async (condition: SQL | undefined) => {
    const matches = db
      .select({ one: sql`1`.as("one") })
      .from(reports)
      .where(condition)
      .limit(countLimit + 1)
      .as("matches");
    const [counted] = await db.select({ n: count() }).from(matches);
    return Number(counted?.n ?? 0);
  };
  // Several alternatives: one alone past the limit settles it, otherwise their ids together are the exact count.
  const n = alternatives.length > 1 ? (everyExact ? union.size : countLimit + 1) : await countUpTo(where);
  return { rows, total: Math.min(n, countLimit), totalIsLowerBound: n > countLimit };
}
