import type { CurrentUser } from "../../core/actors.ts";
import { transaction } from "../../core/db.ts";
import { badRequest, notFound } from "../../core/errors.ts";
import { consultationStatus } from "../../domain/consultation.ts";
import { inboxActivity } from "../../domain/inbox-activity.ts";
import { evaluateSla } from "../../domain/sla.ts";
import { isOpen, REPORT_STATES, type ReportState, SEVERITIES, type Severity } from "../../domain/workflow.ts";
import type { SearchReader } from "../search/search.service.ts";
import { consultationsOf } from "./consultation.repo.ts";
import { markReportRead, markReportUnread, queryInbox, slaInboxCondition } from "./inbox.repo.ts";
import type { ReportsContext } from "./report-context.service.ts";
import { slaFacts } from "./report-facts.service.ts";
import { findReport } from "./reports.repo.ts";
import type { InboxQuery } from "./reports.schema.ts";

/** The team's list of reports. */
export function createReportInbox(ctx: ReportsContext) {
  const { db, clock, features } = ctx;

  /**
   * The inbox page: filters, sort, paging, and each row's SLA picture and conversation state. A reader with an id
   * (a signed-in member) sees their own unread marks; without one every report reads as unread.
   */
  async function inbox(query: InboxQuery, reader?: (SearchReader & { id?: string }) | null) {
    const states = query.state
      ? query.state === "open"
        ? REPORT_STATES.filter(isOpen)
        : query.state === "all"
          ? null
          : [query.state]
      : REPORT_STATES.filter(isOpen);
    if (states?.some((s) => !(REPORT_STATES as readonly string[]).includes(s))) {
      throw badRequest(`state must be one of open, all, ${REPORT_STATES.join(", ")}.`, {
        state: "Unknown state.",
      });
    }
    if (
      query.severity &&
      query.severity !== "none" &&
      !(SEVERITIES as readonly string[]).includes(query.severity)
    ) {
      throw badRequest(`severity must be one of none, ${SEVERITIES.join(", ")}.`, {
        severity: "Unknown severity.",
      });
    }
    let assigneeId: string | null | "none" = null;
    if (query.assignee === "none") assigneeId = "none";
    else if (query.assignee) {
      const user = query.assignee.includes("@")
        ? await features.team.byEmail(query.assignee, db)
        : await features.team.byId(query.assignee, db);
      if (!user)
        throw badRequest("No team member matches the assignee filter.", {
          assignee: "Unknown team member.",
        });
      assigneeId = user.id;
    }
    const sortKey = query.sort ?? "-received";
    const perPage = query.perPage ?? 25;
    const page = query.page ?? 1;
    const search = features.search.parseSearch(query.q);
    const includeInternal = features.search.searchesInternalNotes(reader);
    const sla = await features.settings.sla(db);
    const now = clock();
    const { rows, total, totalIsLowerBound } = await queryInbox(db, {
      textAlternatives: features.search.textFilterAlternatives(search, includeInternal),
      states,
      severity: query.severity ?? null,
      assigneeId,
      text: query.q || null,
      hideSpam: query.spam !== "1" && query.state !== "rejected",
      slaCondition: slaInboxCondition(query.sla, now, sla),
      readerId: reader?.id ?? null,
      sort: { column: sortKey.replace("-", "") as "received", desc: sortKey.startsWith("-") },
      limit: perPage,
      offset: (page - 1) * perPage,
    });
    const snippets = await features.search.snippets(
      db,
      rows.map((r) => r.report),
      search,
      includeInternal,
    );
    // The reporter's answers on the page's fixes: a "does not fix" marks the row until the team asks again.
    const consulted = await consultationsOf(
      db,
      rows.map((r) => r.report.id),
    );
    const waiting = await features.assignment.reportsWaitingForSomeone(
      rows.filter((r) => !r.report.assigneeId).map((r) => r.report.id),
    );
    return {
      total,
      /** True when there are more matches than `total`: the count stops a fixed distance past the page. */
      totalIsLowerBound,
      page,
      perPage,
      pages: Math.max(1, Math.ceil(total / perPage)),
      items: rows.map(({ report, assigneeName, assigneeEmail, readAt, likelyDuplicateReference }) => ({
        id: report.id,
        reference: report.reference,
        title: report.title,
        state: report.state as ReportState,
        severity: report.severity as Severity | null,
        assignee: assigneeEmail,
        assigneeName,
        receivedAt: report.receivedAt,
        updatedAt: report.updatedAt,
        sla: evaluateSla(slaFacts(report), sla, now),
        /** Set while the team waits for the reporter's answer. */
        waitingSince: report.needsInfo ? report.needsInfoSince : null,
        /** This member's view of the conversation: unread, its marker, and since when the team keeps it waiting. */
        activity: inboxActivity({
          receivedAt: report.receivedAt,
          lastReporterMessageAt: report.lastReporterMessageAt,
          awaitingTeamSince: report.awaitingTeamSince,
          readAt,
          fixDisputed:
            consultationStatus({
              invitedAt: consulted.get(report.id)?.invitedAt ?? null,
              answers: consulted.get(report.id)?.answers ?? [],
            }) === "disputed",
        }),
        /** The best duplicate candidate ranked at intake; not shown once the report is settled as a duplicate. */
        likelyDuplicate:
          report.likelyDuplicateOfId && likelyDuplicateReference && !report.duplicateOfId
            ? { reference: likelyDuplicateReference, score: Math.round(report.likelyDuplicateScore ?? 0) }
            : null,
        snippet: snippets.get(report.id) ?? null,
        nobodyAvailable: waiting.has(report.id),
      })),
    };
  }

  /** Finds a report for a read mark, by id or reference; a missing report is a 404, as on its page. */
  async function reportIdFor(idOrRef: string) {
    const report = await findReport(db, idOrRef);
    if (!report) throw notFound("Report");
    return report;
  }

  /**
   * Records that the member has just been shown the report's page (`reportId` from the view that was rendered).
   * A read mark is the member's own display state, not a change to the report, so it writes no audit event.
   */
  async function markRead(member: CurrentUser, reportId: string) {
    await transaction(db, (tx) => markReportRead(tx, member.id, reportId, clock()));
  }

  /** Shows the report as unread to this member again ("mark unread"); the member's own display state only. */
  async function markUnread(member: CurrentUser, idOrRef: string) {
    const report = await reportIdFor(idOrRef);
    await transaction(db, (tx) => markReportUnread(tx, member.id, report.id));
    return { reference: report.reference };
  }

  return { inbox, markRead, markUnread };
}
