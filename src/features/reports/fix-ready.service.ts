import { appendAuditEvent } from "../../audit/audit-log.ts";
import { authorOf, type CurrentUser, SYSTEM_ACTOR } from "../../core/actors.ts";
import type { Tx } from "../../core/db.ts";
import { notFound } from "../../core/errors.ts";
import { branchName, fixReadyWentStale, type ReportState, whyNotFixReady } from "../../domain/workflow.ts";
import type { ReportsContext } from "./report-context.service.ts";
import { loadFacts } from "./report-facts.service.ts";
import { findReport, updateReport } from "./reports.repo.ts";

/** What a reassessment found: the report's state now, and whether the stale verification moved it back. */
export interface Reassessment {
  reference: string;
  state: ReportState;
  returnedToRemediation: boolean;
}

/** The fix_ready guard, checked again when something other than an action changes its facts. */
export function createFixReadyReassessment(ctx: ReportsContext) {
  /**
   * Runs in the transaction that moved a fix branch (the push recording), after the new head is written: a
   * verification is bound to a SHA, so a fix_ready report whose verified head is no longer the head goes back to
   * remediation until a second member verifies the new head. The audit event says which verification went stale.
   */
  async function reassessFixReady(
    tx: Tx,
    reportId: string,
    by: CurrentUser = SYSTEM_ACTOR,
  ): Promise<Reassessment> {
    // Locked like an action, so a verification or a release running at the same time sees the result.
    const report = await findReport(tx, reportId, { forUpdate: true });
    if (!report) throw notFound("Report");
    const facts = await loadFacts(tx, report, ctx.features.team);
    if (!fixReadyWentStale(facts)) {
      return {
        reference: report.reference,
        state: report.state as ReportState,
        returnedToRemediation: false,
      };
    }
    const now = ctx.clock();
    await updateReport(tx, report.id, { state: "remediation", updatedAt: now });
    await appendAuditEvent(
      tx,
      {
        actorType: authorOf(by).actorType,
        actorId: authorOf(by).actorId,
        action: "report.fix_verification_stale",
        reportId: report.id,
        data: {
          from: "fix_ready",
          to: "remediation",
          reason: whyNotFixReady(facts),
          branches: (facts.fixBranches ?? []).map((b) => ({ branch: branchName(b.ref), head: b.headSha })),
        },
      },
      now,
    );
    return { reference: report.reference, state: "remediation", returnedToRemediation: true };
  }

  return { reassessFixReady };
}
