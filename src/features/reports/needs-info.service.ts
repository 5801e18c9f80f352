import type { AuditInput } from "../../audit/audit-log.ts";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Tx } from "../../core/db.ts";
import { resumeSlaClock } from "../../domain/sla.ts";
import { REQUEST_INFO_STATES, type ReportState } from "../../domain/workflow.ts";
import type { ReportsCollaborators } from "./collaborators.types.ts";
import { findReport, type ReportRow } from "./reports.repo.ts";

/** The report's fields that start waiting for the reporter: the flag, and when the clock stopped. */
export function startNeedsInfo(now: Date): Pick<ReportRow, "needsInfo" | "needsInfoSince"> {
  return { needsInfo: true, needsInfoSince: now };
}

/** Whether a report waiting for its reporter should stop waiting because the action moved it on. */
export function leavesNeedsInfo(report: ReportRow, to: ReportState): boolean {
  return report.needsInfo && !REQUEST_INFO_STATES.includes(to);
}

/**
 * Ends a needs-info pause (the reporter answered, or the report moved on): clears the flag, adds the pause to
 * paused_ms and moves the running deadlines back by it, with an audit event. Returns the report fields to write;
 * the caller writes them in its transaction, so fields it sets itself (such as a new update time) win.
 */
export async function endNeedsInfo(
  features: ReportsCollaborators,
  tx: Tx,
  report: ReportRow,
  now: Date,
  by: Pick<AuditInput, "actorType" | "actorId">,
  why: "reporter_replied" | "report_moved_on",
): Promise<Partial<ReportRow>> {
  const since = report.needsInfoSince ?? now;
  const policy = await features.settings.sla(tx);
  const resumed = resumeSlaClock(
    {
      deadlines: {
        acknowledgeBy: report.acknowledgeBy,
        triageBy: report.triageBy,
        resolveBy: report.resolveBy,
      },
      acknowledgedAt: report.acknowledgedAt,
      triagedAt: report.triagedAt,
      resolvedAt: report.resolvedAt,
      lastReporterUpdateAt: report.lastReporterUpdateAt,
      pausedMs: report.pausedMs,
      pausedSince: since,
    },
    now,
    policy,
  );
  await appendAuditEvent(
    tx,
    {
      actorType: by.actorType,
      actorId: by.actorId,
      action: "sla.resumed",
      reportId: report.id,
      data: {
        why,
        waitingSince: since.toISOString(),
        pausedMs: resumed.pauseMs,
        deadlines: {
          acknowledgeBy: resumed.deadlines.acknowledgeBy.toISOString(),
          triageBy: resumed.deadlines.triageBy.toISOString(),
          resolveBy: resumed.deadlines.resolveBy.toISOString(),
        },
      },
    },
    now,
  );
  return {
    needsInfo: false,
    needsInfoSince: null,
    pausedMs: resumed.pausedMs,
    acknowledgeBy: resumed.deadlines.acknowledgeBy,
    triageBy: resumed.deadlines.triageBy,
    resolveBy: resumed.deadlines.resolveBy,
    lastReporterUpdateAt: resumed.lastReporterUpdateAt,
  };
}

/** A reporter's message: if the team was waiting for it, the clock restarts (under the report's row lock). */
export async function resumeOnReporterReply(
  features: ReportsCollaborators,
  tx: Tx,
  report: ReportRow,
  now: Date,
): Promise<Partial<ReportRow>> {
  if (!report.needsInfo) return {};
  const locked = await findReport(tx, report.id, { forUpdate: true });
  if (!locked?.needsInfo) return {};
  return endNeedsInfo(
    features,
    tx,
    locked,
    now,
    { actorType: "reporter", actorId: locked.reporterId },
    "reporter_replied",
  );
}
